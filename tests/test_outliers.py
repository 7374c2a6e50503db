"""Outliers (DBSCAN with reasons) and students-like-this, on generated and real data."""
import numpy as np
import pandas as pd
import pytest

from analytics.analysis import analyse
from analytics.explore.neighbours import similar, theme_percentiles
from analytics.ingest.generate import generate_students
from analytics.ingest.read import read_bytes
from analytics.models import outliers as outlier_module
from analytics.models.outliers import find_outliers
from analytics.results import OUTLIER, THEMES

PLANTED_ATTENDANCE = list(range(100, 108))
PLANTED_HOURS = list(range(500, 508))


def planted(rows=3000, seed=3) -> pd.DataFrame:
    """A generated cohort with two kinds of anomaly planted: almost never attends, studies 90 hours a week."""
    frame = generate_students(rows, seed)
    frame.loc[PLANTED_ATTENDANCE, "Attendance"] = 5
    frame.loc[PLANTED_HOURS, "Hours_Studied"] = 90
    return frame


def run(frame: pd.DataFrame):
    return analyse(read_bytes(frame.to_csv(index=False).encode(), "planted.csv"), 5)


@pytest.fixture(scope="module")
def planted_analysis():
    return run(planted())


def _by_row(result):
    return {item.row: item for item in result.outliers.items}


def test_planted_anomalies_are_found_with_the_planted_theme_first(planted_analysis):
    items = _by_row(planted_analysis)
    for row in PLANTED_ATTENDANCE:
        assert row in items and items[row].reasons[0] == "Attendance"
        assert items[row].details[0].startswith("Attendance") and "below" in items[row].details[0]
    for row in PLANTED_HOURS:
        assert row in items and items[row].reasons[0] == "Hours_Studied"
        assert "above" in items[row].details[0]
    # and DBSCAN does not call a large part of an ordinary cohort unusual
    assert planted_analysis.outliers.count < 0.05 * planted_analysis.rows


def test_planted_anomalies_are_found_when_dbscan_runs_on_a_sample(monkeypatch):
    monkeypatch.setattr(outlier_module, "SAMPLE_ABOVE", 1500)
    monkeypatch.setattr(outlier_module, "SAMPLE_SIZE", 1500)
    result = run(planted())
    assert result.outliers.params["sampled"] and result.outliers.params["fitted_on"] == 1500
    items = _by_row(result)
    assert all(items[r].reasons[0] == "Attendance" for r in PLANTED_ATTENDANCE)
    assert all(items[r].reasons[0] == "Hours_Studied" for r in PLANTED_HOURS)


def brute_far(points, core, eps, step=500):
    """The border rule by brute force, a few hundred points at a time (a few MB)."""
    return np.concatenate([np.sqrt(((points[i:i + step, None, :] - core[None, :, :]) ** 2).sum(-1)).min(axis=1) > eps
                           for i in range(0, len(points), step)])


def test_students_outside_the_sample_follow_dbscans_border_rule():
    rng = np.random.default_rng(5)
    core = rng.normal(size=(3000, 8))
    eps = 1.6
    # a cohort, a spread-out fringe, and students a hair inside and outside eps of a core point, where
    # float32 cannot tell and the float64 check decides
    direction = rng.normal(size=(400, 8))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    edge = core[rng.choice(3000, 400)] + direction * eps * np.repeat([1 - 1e-9, 1 + 1e-9], 200)[:, None]
    points = np.vstack([rng.normal(size=(20000, 8)), rng.normal(scale=3, size=(2000, 8)), edge])
    far = outlier_module.far_from_core(points, core, eps)
    expected = brute_far(points, core, eps)
    assert np.array_equal(far, expected)
    assert 0 < far.sum() < len(points) // 2
    assert not far[-400:-200].any()  # each of these has a core point just inside eps


def test_sampled_outliers_equal_dbscan_on_the_sample_plus_the_border_rule(monkeypatch):
    from sklearn.cluster import DBSCAN

    monkeypatch.setattr(outlier_module, "SAMPLE_ABOVE", 2000)
    monkeypatch.setattr(outlier_module, "SAMPLE_SIZE", 2000)
    rng = np.random.default_rng(9)
    x = np.vstack([rng.normal(size=(9000, 8)), rng.normal(scale=4, size=(300, 8))])
    found = find_outliers(x, THEMES[:8])
    fitted = np.sort(np.random.default_rng(outlier_module.SEED).choice(len(x), 2000, replace=False))
    eps = outlier_module.knee_eps(x[fitted], 16)
    model = DBSCAN(eps=eps, min_samples=16, algorithm="brute").fit(x[fitted])
    rest = np.setdiff1d(np.arange(len(x)), fitted)
    expected = np.zeros(len(x), dtype=bool)
    expected[fitted] = model.labels_ == -1
    expected[rest] = brute_far(x[rest], x[fitted][model.core_sample_indices_], eps)
    assert found.params["sampled"] and found.params["core_points"] == len(model.core_sample_indices_)
    assert np.array_equal(found.flags, expected) and 0 < expected.sum() < 1000


def test_kaggle_outliers_are_few_flagged_and_explained(kaggle):
    out = kaggle.outliers
    assert out.method == "dbscan" and out.params["min_samples"] == 16 and out.params["eps"] > 0
    assert 0.002 * kaggle.rows < out.count < 0.05 * kaggle.rows
    flags = kaggle.students[OUTLIER].to_numpy()
    assert flags.sum() == out.count == len(out.items)
    assert sorted(i.row for i in out.items) == list(np.flatnonzero(flags))
    gaps = [i.gap for i in out.items]
    assert gaps == sorted(gaps, reverse=True)
    for item in out.items:
        assert 1 <= len(item.reasons) <= 3 and set(item.reasons) <= set(THEMES[:8])
        assert len(item.details) == len(item.reasons)


def test_outliers_are_deterministic(kaggle_path, kaggle):
    from analytics import analyse_file
    again = analyse_file(str(kaggle_path))
    assert [i.row for i in again.outliers.items] == [i.row for i in kaggle.outliers.items]


def test_a_tiny_file_says_why_it_has_no_outliers():
    result = run(generate_students(30, 1))
    assert result.outliers is None and OUTLIER not in result.students
    assert "at least 50 students" in result.skipped["outliers"]


def test_find_outliers_handles_a_cohort_of_identical_students():
    x = np.zeros((200, 8))
    result = find_outliers(x, THEMES[:8])
    assert result.count == 0


def test_a_duplicated_student_is_its_own_twins_nearest_neighbour(kaggle_path):
    frame = pd.read_csv(kaggle_path).head(800)
    frame = pd.concat([frame, frame.iloc[[42]]], ignore_index=True)  # row 800 is a copy of row 42
    result = run(frame)
    near = similar(result, 42, 5)
    assert near["row"].iloc[0] == 800 and near["distance"].iloc[0] == 0
    assert 42 not in set(near["row"]) and len(near) == 5
    assert list(near["distance"]) == sorted(near["distance"])
    assert {"Persona", "Trajectory", "Exam_Score"} <= set(near.columns)


def test_neighbours_are_the_true_nearest(kaggle):
    x = kaggle.students[[f"z_{t}" for t in kaggle.themes]].to_numpy()
    distance = np.sqrt(((x - x[7]) ** 2).sum(axis=1))
    distance[7] = np.inf
    near = similar(kaggle, 7, 6)
    assert np.allclose(near["distance"], np.sort(distance)[:6], atol=1e-3)


def test_theme_percentiles_place_a_student_within_the_cohort(kaggle):
    attendance = kaggle.students["Attendance"].to_numpy()
    top, bottom = int(np.argmax(attendance)), int(np.argmin(attendance))
    assert theme_percentiles(kaggle, top)["Attendance"] > 99
    assert theme_percentiles(kaggle, bottom)["Attendance"] < 1
    assert all(0 <= p <= 100 for p in theme_percentiles(kaggle, 3).values())
    with pytest.raises(ValueError):
        theme_percentiles(kaggle, kaggle.rows)
