"""The map worker: one long-lived process per cache directory that lays out student maps.

Why a separate process: numba compiles UMAP afresh in every new process (~30-45 s on this machine), and
Dash's DiskcacheManager runs each background job in a new process, so computing a map inside the job
would pay that compile every time. This worker pays it once, at server start and off the request path.

Design (Unix socket + multiprocessing.connection, no broker needed):
- The app starts it (`Supervisor` in create_app): `python -m backend.map_worker --cache DIR --parent PID`.
- One per cache directory, however many web processes share it: the worker holds an exclusive flock on
  DIR/map-worker.lock, and a second copy exits at once. The supervisor re-spawns it if it dies.
- It listens on DIR/map-worker.sock; every connection must prove the random authkey in DIR/map-worker.key
  (mode 0600, rewritten at each start), because messages are pickles.
- A job: the client sends {"op": "project", "dataset_id", "personas"}; the worker streams
  {"progress": (done, total, stage)} and ends with {"ok": True, "pid", "seconds", "cached", ...} or
  {"ok": False, "error"}. The layout itself goes into the DatasetStore's diskcache (`set_projection`), where
  every server process reads it. Jobs run one at a time: two cores are shared with the web server.
  Also {"op": "ping"} (pid, warm?), {"op": "stop"}, and {"op": "layout", "z"} which returns the layout of a
  given matrix instead of storing it (tests and bench/map.py use it).
- A client that goes away (Dash's cancel kills the job process) aborts its job at the next progress step.
- It stops on SIGTERM, on {"op": "stop"}, or when its parent process ends.
"""
from .client import CONNECT_WAIT, Unavailable, connect, layout, ping, request, running, stop
from .job import Cancelled, compute, project_file, run_job
from .paths import KEY, LOCK, SOCKET, default_cache_dir, enabled
from .supervisor import Supervisor, spawn, supervise

__all__ = ["CONNECT_WAIT", "Cancelled", "KEY", "LOCK", "SOCKET", "Supervisor", "Unavailable", "compute", "connect",
           "default_cache_dir", "enabled", "layout", "ping", "project_file", "request", "run_job", "running", "spawn",
           "stop", "supervise"]
