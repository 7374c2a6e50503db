"""Where a cache directory's map worker listens, and whether it is switched on."""
from __future__ import annotations

import os

SOCKET, LOCK, KEY = "map-worker.sock", "map-worker.lock", "map-worker.key"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project


def default_cache_dir() -> str:
    """The app's cache directory (same rule as app.py), for the command line."""
    return os.environ.get("COHORT_ATLAS_CACHE") or os.path.join(ROOT, ".cache")


def path(cache_dir: str, name: str) -> str:
    return os.path.join(os.path.abspath(cache_dir), name)


def enabled() -> bool:
    """COHORT_ATLAS_MAP_WORKER=0 turns the worker off (each map job then computes in its own process)."""
    return os.environ.get("COHORT_ATLAS_MAP_WORKER", "1").strip().lower() not in ("0", "false", "no", "off")
