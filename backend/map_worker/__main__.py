"""`python -m backend.map_worker --cache DIR [--parent PID]`: run the map worker for a cache directory."""
import sys

from .process import main

sys.exit(main())
