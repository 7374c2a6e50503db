"""The student map: a 2-D UMAP layout of the standardised theme scores (no Dash, no plotting).

UMAP is compiled by numba on first use in each process (~30-40 s here, and numba's disk cache does not
cover umap's own functions), so `umap` is imported lazily and `warm_up()` exists for a long-lived process
to pay that once (see backend/map_worker.py). Above `sample_above` students the layout is fitted on a
seeded sample and the rest are placed with `transform`: a full fit at 1M rows takes ~10 min and ~10 GB.
"""
from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

VERSION = 2  # bump when the layout changes, so cached maps are recomputed
# umap's defaults (15 neighbours, 500 epochs below 10k rows) spend ~95% of a 6.6k-row fit in the epochs.
# 8 neighbours keep fewer edges per epoch and 150 epochs stop where the layout has settled: at 6.6k rows the
# fit takes about a quarter of the time and trustworthiness (15 neighbours) stays the same (bench/map.py).
NEIGHBOURS, EPOCHS = 8, 150
SAMPLE_ABOVE, SAMPLE_SIZE = 50_000, 20_000
# Rows placed per transform call: the progress bar moves every CHUNK students, and a fixed size keeps the
# layout deterministic. umap would spend 100 epochs on a batch of up to 10,000 rows (30 above); TRANSFORM_EPOCHS
# pins its large-batch choice for every chunk, which halves the transform time at 200k rows.
CHUNK = 10_000
TRANSFORM_EPOCHS = 30
MIN_ROWS = 4  # UMAP needs a few neighbours; fewer students are placed on a line
# Warm-up data must take the same code paths as real data: float32, 8 columns, and NN-descent (umap uses
# exact neighbours below 4,096 rows unless forced), then transform through the search index.
WARM_ROWS, WARM_COLUMNS = 300, 8

Progress = Callable[[int, int, str], None]


@dataclass
class Projection:
    xy: np.ndarray  # float32, one (x, y) per student in data-row order
    sampled: bool  # fitted on a sample, the rest placed with transform
    sample_size: int  # students the layout was fitted on
    seconds: float
    note: str

    @property
    def rows(self) -> int:
        return int(self.xy.shape[0])


def _model(n: int, seed: int, force_nn_descent: bool = False, neighbours: int = NEIGHBOURS,
           epochs: int | None = EPOCHS):
    import umap  # lazy: ~3 s of imports and numba, which the dashboard process never needs

    return umap.UMAP(n_neighbors=max(2, min(neighbours, n - 1)), n_epochs=epochs, random_state=seed,
                     transform_seed=seed, n_jobs=1,
                     init="spectral" if n >= 50 else "random", low_memory=True, verbose=False,
                     force_approximation_algorithm=force_nn_descent, tqdm_kwds={"disable": True})


def _tiny(n: int) -> np.ndarray:
    """Too few students for UMAP: place them on a line."""
    return np.column_stack([np.arange(n, dtype=np.float32) - (n - 1) / 2, np.zeros(n, np.float32)])


def project(z: np.ndarray, seed: int = 0, sample_above: int = SAMPLE_ABOVE, sample_size: int = SAMPLE_SIZE,
            progress: Progress | None = None, neighbours: int = NEIGHBOURS,
            epochs: int | None = EPOCHS) -> Projection:
    """A deterministic (per seed) 2-D layout of the rows of `z`. `progress(done, total, stage)` counts
    students placed so far; it is called with increasing `done` and ends at done == total. `neighbours` and
    `epochs` (None: umap's default) exist so bench/map.py can compare against umap's own settings."""
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    z = np.nan_to_num(np.ascontiguousarray(z, dtype=np.float32))
    n = len(z)
    report = progress or (lambda done, total, stage: None)
    sampled = n > sample_above and MIN_ROWS <= sample_size < n
    fitted = sample_size if sampled else n
    report(0, n, "fit")
    if n < MIN_ROWS:
        xy = _tiny(n)
    else:
        # One BLAS thread: the machine has two cores shared with the web server (numba is single-threaded
        # anyway once umap has a random_state).
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"umap\.")
            if not sampled:
                xy = _model(n, seed, neighbours=neighbours, epochs=epochs).fit_transform(z)
            else:
                chosen = np.zeros(n, dtype=bool)
                chosen[np.random.default_rng(seed).choice(n, sample_size, replace=False)] = True
                model = _model(sample_size, seed, neighbours=neighbours, epochs=epochs).fit(z[chosen])
                model.n_epochs = TRANSFORM_EPOCHS * 3  # transform runs n_epochs // 3
                xy = np.empty((n, 2), dtype=np.float32)
                xy[chosen] = model.embedding_
                rest = np.flatnonzero(~chosen)
                report(fitted, n, "transform")
                for begin in range(0, len(rest), CHUNK):
                    part = rest[begin:begin + CHUNK]
                    xy[part] = model.transform(z[part])
                    report(fitted + begin + len(part), n, "transform")
    if n and not sampled:
        report(n, n, "fit")
    seconds = round(time.perf_counter() - start, 3)
    if sampled:
        note = f"Fitted on a random {sample_size:,} of {n:,} students; the rest placed with transform."
    else:
        note = f"Laid out all {n:,} students by how alike their theme scores are."
    return Projection(np.asarray(xy, dtype=np.float32), sampled, fitted, seconds, note)


def warm_up(seed: int = 0) -> float:
    """Compile UMAP's numba code in this process (fit, NN-descent, transform); returns the seconds taken."""
    start = time.perf_counter()
    z = np.random.default_rng(seed).normal(size=(WARM_ROWS, WARM_COLUMNS)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"umap\.")
        model = _model(WARM_ROWS, seed, force_nn_descent=True)
        model.n_epochs = 20  # the compiled code is the same for any epoch count
        model.fit(z)
        model.transform(z[:50])
    project(z, seed)  # the exact-neighbour path used below 4,096 students
    return round(time.perf_counter() - start, 3)
