"""One map job: lay out a stored dataset's themes with UMAP and cache the layout in the store. Run by the
worker process, by a Celery worker in-process, or by the command line's `summarize --map`."""
from __future__ import annotations

import logging
import os
import time

from analytics.errors import DataError
from analytics.models.projection import Projection, project
from analytics.models.themes import MIN_THEMES, theme_matrix

from .paths import default_cache_dir

log = logging.getLogger("cohort_atlas.map_worker")


class Cancelled(Exception):
    """The client of a job went away."""


def compute(store, dataset_id: str, personas: int = 5, progress=None, seed: int = 0) -> Projection:
    """Lay out a stored dataset and cache the result in the store. Raises DataError or KeyError."""
    analysis = store.analysis(dataset_id, personas)
    z = theme_matrix(analysis)
    if z.shape[1] < MIN_THEMES:
        raise DataError("the student map needs at least two of the 8 themes (such as Hours_Studied and "
                        "Attendance)")
    projection = project(z, seed, progress=progress)
    store.set_projection(dataset_id, projection)
    return projection


def run_job(store, dataset_id: str, personas: int, progress=None) -> dict:
    """`compute` with the worker's reply: a dict that never carries a traceback to the browser."""
    start = time.perf_counter()
    try:
        cached = store.projection(dataset_id)
        projection = cached if cached is not None else compute(store, dataset_id, personas, progress)
    except DataError as err:
        return {"ok": False, "error": str(err)}
    except KeyError:
        return {"ok": False, "error": "That dataset is no longer on the server; please upload it again."}
    except Cancelled:
        raise
    except Exception:  # the server log has the traceback; the page gets one line
        log.exception("laying out the map of %s failed", dataset_id)
        return {"ok": False, "error": "The map failed unexpectedly; the error was logged on the server."}
    return {"ok": True, "pid": os.getpid(), "seconds": round(time.perf_counter() - start, 3),
            "cached": cached is not None, "rows": projection.rows, "sampled": projection.sampled}


def project_file(path: str, analysis, cache_dir: str | None = None, max_bytes: int = 2**62,
                 sheet: str | None = None) -> dict:
    """The command line's --map: lay out a file in this process (paying the compile) and cache the layout
    where a server on the same cache directory finds it once that file is uploaded."""
    from backend.store import DatasetStore

    z = theme_matrix(analysis)
    if z.shape[1] < MIN_THEMES:
        return {"map_seconds": None, "map_note": "no map: the file has fewer than two themes"}
    store = DatasetStore(cache_dir or default_cache_dir(), max_bytes=max_bytes)
    with open(path, "rb") as fh:
        dataset_id = store.add(fh.read(), os.path.basename(path), sheet)
    projection = project(z)
    store.set_projection(dataset_id, projection)
    return {"map_seconds": projection.seconds, "map_note": projection.note}
