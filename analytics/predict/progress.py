"""Progress (value added): each student's result against what students with the same prior attainment reached.

For each subject, and for the outcome, the expected result is a curve of result on prior attainment (a KS2
scaled score, a previous mark), fitted once per dataset: an increasing isotonic regression scored out of fold
(each student's expected result comes from a fit that did not see them), or, with too few students for a
curve, the mean of the other students in the same prior-attainment band (low, middle, high third).
Progress = result - expected, in the subject's points and in standard deviations of its results. A student
with no mark or no prior attainment (a blank the cleaning filled in) gets no progress score.

"On track" compares each result with a target: the school's target for the subject when the mapping sets one,
otherwise the expected result itself (progress of at least 0).

The filters never refit any of this: analytics.explore.progress averages the stored per-student values.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression

MIN_CURVE = 100  # students with a result and prior attainment needed for a fitted curve; fewer: bands
MIN_LEVELS = 4  # distinct prior-attainment values a curve needs
BANDS = 3  # low, middle and high prior attainers, as school performance tables group them
FOLDS = 5
SEED = 7
CURVE = "curve"
BAND = "bands"


@dataclass
class SubjectProgress:
    name: str
    column: str  # the students column with the results (points on the subject's scale)
    result: np.ndarray = field(repr=False)  # NaN: no mark
    expected: np.ndarray = field(repr=False)  # NaN: no progress score
    sd: float  # the spread of the subject's results, the unit of progress in standard deviations
    method: str  # CURVE or BAND, or "" when nobody could be scored
    target: float | None = None  # the school's target in points; None: the expected result is the target
    is_outcome: bool = False

    @property
    def progress(self) -> np.ndarray:
        return self.result - self.expected

    @property
    def progress_sd(self) -> np.ndarray:
        return self.progress / self.sd if self.sd > 0 else np.full(len(self.result), np.nan)

    @property
    def on_track(self) -> np.ndarray:
        """1 on track, 0 not, NaN when it cannot be said (no mark; or no expected result when it is the target)."""
        goal = self.expected if self.target is None else np.full(len(self.result), self.target)
        with np.errstate(invalid="ignore"):
            met = (self.result >= goal - 1e-9).astype(float)
        met[np.isnan(self.result) | np.isnan(goal)] = np.nan
        return met

    @property
    def target_text(self) -> str:
        return (f"the school's target of {self.target:g}" if self.target is not None
                else "the result expected from prior attainment")


@dataclass
class Progress:
    prior: str | None  # the students column with prior attainment
    subjects: dict[str, SubjectProgress] = field(default_factory=dict)  # subjects first, then the outcome
    no_prior: np.ndarray | None = field(default=None, repr=False)  # True: no prior attainment on file
    reason: str | None = None  # why there is no progress at all

    @property
    def names(self) -> list[str]:
        return list(self.subjects)

    def averaged(self) -> list[str]:
        """The subjects "All subjects" averages: every subject, or the outcome when the file has none."""
        own = [n for n, s in self.subjects.items() if not s.is_outcome]
        return own or list(self.subjects)


def expected_results(prior: np.ndarray, result: np.ndarray) -> tuple[np.ndarray, str]:
    """Each student's expected result from prior attainment (NaN where either is missing), and the method."""
    expected = np.full(len(result), np.nan)
    both = ~np.isnan(prior) & ~np.isnan(result)
    rows = np.flatnonzero(both)
    if len(rows) < 2:
        return expected, ""
    x, y = prior[rows], result[rows]
    if len(rows) >= MIN_CURVE and len(np.unique(x)) >= MIN_LEVELS:
        expected[rows] = _out_of_fold_curve(x, y)
        return expected, CURVE
    expected[rows] = _band_means(x, y)
    return expected, BAND


def _out_of_fold_curve(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """An increasing isotonic curve per fold, each student scored by the fit on the other folds: a student's own
    mark never sets the bar they are measured against."""
    folds = np.random.default_rng(SEED).permutation(len(x)) % FOLDS
    out = np.empty(len(x))
    for fold in range(FOLDS):
        held = folds == fold
        curve = IsotonicRegression(increasing=True, out_of_bounds="clip").fit(x[~held], y[~held])
        out[held] = curve.predict(x[held])
    return out


def _band_means(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The mean result of the other students in the same third of prior attainment (NaN when alone in it)."""
    cuts = np.quantile(x, np.arange(1, BANDS) / BANDS)
    band = np.searchsorted(cuts, x, side="right")
    count = np.bincount(band, minlength=BANDS).astype(float)
    total = np.bincount(band, weights=y, minlength=BANDS)
    others = count[band] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(others > 0, (total[band] - y) / others, np.nan)


def measure_progress(students: pd.DataFrame, subjects: dict[str, str], prior: str | None,
                     prior_blank: np.ndarray | None = None, outcome: str | None = None,
                     outcome_blank: np.ndarray | None = None, targets: dict[str, float | None] | None = None,
                     outcome_name: str | None = None) -> Progress:
    """Progress of every student in each subject ({name: students column}) and in the outcome column, against
    prior attainment in `prior`. `*_blank` mark cells the cleaning filled in (they count as missing)."""
    if not prior or prior not in students:
        return Progress(None, reason="needs a prior attainment column (e.g. KS2 Scaled Score or Previous_Scores)")
    wanted = {name: column for name, column in subjects.items() if column in students}
    if outcome and outcome in students and outcome not in wanted.values() and \
            not any(outcome == f"{c} (outcome)" for c in wanted.values()):
        wanted[outcome_name or outcome] = outcome
    if not wanted:
        return Progress(prior, reason="needs subject marks or an exam score to measure progress in")
    x = students[prior].to_numpy(dtype=float, copy=True)
    if prior_blank is not None:
        x[prior_blank] = np.nan
    found = Progress(prior, no_prior=np.isnan(x))
    for name, column in wanted.items():
        is_outcome = column == outcome
        y = students[column].to_numpy(dtype=float, copy=True)
        if is_outcome and outcome_blank is not None:
            y[outcome_blank] = np.nan
        expected, method = expected_results(x, y)
        scored = ~np.isnan(y)
        sd = float(np.std(y[scored], ddof=1)) if scored.sum() > 1 else 0.0
        found.subjects[name] = SubjectProgress(name, column, y, expected, sd, method,
                                               (targets or {}).get(name), is_outcome)
    return found
