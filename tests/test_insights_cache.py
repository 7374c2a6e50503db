"""The insights panel's disk cache: a second look at the same view is served from disk without asking the
engine again; another view, model, prompt version or reporting threshold asks again; a fallback is never kept."""
import pandas as pd
import pytest

from analytics.insights import gemini
from backend.store import DatasetStore
from callbacks import insights as insight_callbacks


class CountingEngine:
    """Stands in for `gemini.insights`: counts the calls and writes with the offline engine (no network)."""

    def __init__(self, real, note: str = ""):
        self.real, self.note, self.keys = real, note, []

    def __call__(self, facts, key=None, **_options):
        self.keys.append(key)
        result = self.real(facts, key="")
        result.note = self.note
        return result

    @property
    def calls(self) -> int:
        return len(self.keys)


@pytest.fixture
def engine(monkeypatch):
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "COHORT_ATLAS_GEMINI_MODEL", "COHORT_ATLAS_MIN_GROUP"):
        monkeypatch.delenv(name, raising=False)
    counting = CountingEngine(gemini.insights)
    monkeypatch.setattr(gemini, "insights", counting)
    return counting


@pytest.fixture(scope="module")
def class_store(store, kaggle_path):
    """The module's store holding a class-sized file (its analysis is computed once, on the first look)."""
    data = pd.read_csv(kaggle_path).head(600).to_csv(index=False).encode()
    return store, {"dataset_id": store.add(data, "kaggle-600.csv"), "personas": 5}


@pytest.fixture
def fresh_store(class_store):
    """That store without any cached insights, so that no test finds another's."""
    store, view = class_store
    for key in list(store.cache):
        if key[0] == "insights":
            del store.cache[key]
    return store, view


def shown(store, view, filters) -> str:
    return str(insight_callbacks.insights_content(store, view, filters))


def test_the_same_view_twice_asks_the_engine_once_even_after_a_restart(engine, fresh_store):
    store, view = fresh_store
    first = shown(store, view, {"gender": ["Female"]})
    assert engine.calls == 1
    assert shown(store, view, {"gender": ["Female"]}) == first and engine.calls == 1
    restarted = DatasetStore(store.directory, max_bytes=50 * 2**20)  # a new server process on the same disk
    assert shown(restarted, view, {"gender": ["Female"]}) == first and engine.calls == 1


def test_another_view_misses_the_cache(engine, fresh_store):
    store, view = fresh_store
    shown(store, view, {"gender": ["Female"]})
    shown(store, view, {"gender": ["Male"]})
    assert engine.calls == 2
    shown(store, view, {"gender": ["Female"], "school": ["Public"]})
    assert engine.calls == 3


def test_a_new_prompt_version_or_model_misses_the_cache(engine, fresh_store, monkeypatch):
    store, view = fresh_store
    shown(store, view, None)
    monkeypatch.setattr(gemini, "PROMPT_VERSION", gemini.PROMPT_VERSION + 1)
    shown(store, view, None)
    assert engine.calls == 2
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-not-real")
    shown(store, view, None)
    monkeypatch.setenv("COHORT_ATLAS_GEMINI_MODEL", "gemini-other")
    shown(store, view, None)
    shown(store, view, None)
    assert engine.calls == 4 and engine.keys[-1] == "test-key-not-real"


def test_a_reporting_threshold_change_misses_the_cache(engine, fresh_store, monkeypatch):
    store, view = fresh_store
    shown(store, view, None)
    monkeypatch.setenv("COHORT_ATLAS_MIN_GROUP", "25")
    shown(store, view, None)
    assert engine.calls == 2


def test_a_fallback_is_not_kept_so_the_next_look_tries_again(monkeypatch, fresh_store):
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-not-real")
    counting = CountingEngine(gemini.insights, note="Gemini is rate-limited (429); written offline instead.")
    monkeypatch.setattr(gemini, "insights", counting)
    store, view = fresh_store
    assert "rate-limited" in shown(store, view, None)
    shown(store, view, None)
    assert counting.calls == 2
