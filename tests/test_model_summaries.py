"""The Scored-by menu reads the small summary kept beside each risk model, never the model itself: listing 30
models whose blobs cannot be unpickled still lists all 30, and a model saved before summaries existed is read
once, to write its summary."""
import pandas as pd
import pytest

from analytics.predict.summary import ModelSummary
from backend.store import ANALYSIS_VERSION, RISK_VERSION, DatasetStore
from callbacks import risk

UNPICKLED = []


def explode():
    UNPICKLED.append(1)
    raise RuntimeError("a model blob was unpickled")


class Corrupt:
    """Pickles fine; unpickling it counts and fails, as a damaged model blob would."""

    def __reduce__(self):
        return explode, ()


COLUMNS = ("Hours_Studied", "Attendance", "Parental_Involvement", "Sleep_Hours")


@pytest.fixture
def fresh(cache_dir):
    UNPICKLED.clear()
    return DatasetStore(cache_dir, max_bytes=50 * 2**20)


def test_models_lists_summaries_without_unpickling_any_model(fresh):
    for i in range(30):
        fresh.save_risk(f"old{i:02d}", Corrupt(), ModelSummary(f"old{i:02d}", f"year-{i:02d}.csv", COLUMNS,
                                                                rows=100 + i))
    fresh.save_risk("failed", {"error": "no exam score column"})  # a file that could not train one
    listed = fresh.models()
    assert [(s.filename, s.rows) for s in listed] == [(f"year-{i:02d}.csv", 100 + i) for i in range(30)]
    assert UNPICKLED == []


def test_the_menu_offers_stored_summaries_by_coverage(fresh, kaggle_path):
    fresh.save_risk("full", Corrupt(), ModelSummary("full", "all-columns.csv", COLUMNS))
    fresh.save_risk("part", Corrupt(), ModelSummary("part", "three-of-four.csv", COLUMNS[:3] + ("Wellbeing",)))
    fresh.save_risk("far", Corrupt(), ModelSummary("far", "one-of-four.csv", COLUMNS[:1] + ("A", "B", "C")))
    frame = pd.read_csv(kaggle_path).head(200).drop(columns=["Exam_Score"])
    dataset = fresh.add(frame.to_csv(index=False).encode(), "next-term.csv")
    menu = risk.setup(fresh, {"dataset_id": dataset, "personas": 5}, None)
    assert menu["options"] == [{"label": "all-columns.csv (100% of its columns here)", "value": "full"},
                               {"label": "three-of-four.csv (75% of its columns here)", "value": "part"}]
    assert menu["value"] is None and UNPICKLED == []


def test_a_model_saved_before_summaries_is_read_once(fresh, store, kaggle_ready):
    legacy = ("risk", RISK_VERSION, ANALYSIS_VERSION, kaggle_ready)
    fresh.cache.set(legacy, store.risk(kaggle_ready))  # as the store kept models before summaries
    first = fresh.models()
    assert [(s.dataset_id, s.filename, s.exam_column) for s in first] == [
        (kaggle_ready, "student_performance_factors.csv", "Exam_Score")]
    fresh.cache.set(legacy, Corrupt())  # the summary is kept now: the blob is not read again
    assert fresh.models() == first and UNPICKLED == []
