"""Put on PYTHONPATH of a map worker started by a test: that worker skips the UMAP warm-up (~40 s of one core),
for tests of the worker's life cycle that serve only maps already cached."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from analytics.models import projection  # noqa: E402

projection.warm_up = lambda seed=0: 0.0
