"""What a production server imports: `gunicorn -c gunicorn.conf.py wsgi:server`, and with REDIS_URL set,
`celery -A wsgi.celery_app worker --concurrency 1` for the background jobs. Importing it builds the app, so
the demo school (or COHORT_ATLAS_DATA) is stored and the map worker starts."""
from __future__ import annotations

from app import create_app
from backend import jobs

app = create_app()
server = app.server
celery_app = jobs.celery_app()  # None without REDIS_URL
