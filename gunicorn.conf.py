"""Production settings: `gunicorn -c gunicorn.conf.py wsgi:server`. Each setting can be overridden on the
command line or by GUNICORN_CMD_ARGS.

gthread workers: a request holds a thread, not a process, so a slow or lying client (an upload whose
Content-Length is larger than its body) ties up one thread of one worker while the others serve everyone else;
backend/security.py gives every request COHORT_ATLAS_READ_SECONDS (30) to send its next bytes."""
import os

bind = os.environ.get("COHORT_ATLAS_BIND", "127.0.0.1:8050")  # a reverse proxy with TLS in front
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
threads = int(os.environ.get("COHORT_ATLAS_THREADS", 8))
timeout = 120  # a worker whose main loop stops answering this long is restarted
graceful_timeout = 30
keepalive = 5
limit_request_line = 8190
limit_request_fields = 100
