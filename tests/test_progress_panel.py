"""The Progress panel without a browser: the callback's function on a real store, and a click on a bar."""
import numpy as np
import pandas as pd
import pytest
from test_callbacks import text
from test_mapping import mis_frame

from analytics.explore import progress as prog
from analytics.predict import progress as model
from callbacks import progress as panel
from callbacks.context import request
from callbacks.clicks import clicked
from components import ids


@pytest.fixture(scope="module")
def mis_id(store):
    frame = mis_frame(400, seed=9)
    frame.loc[[1, 2], "KS2 Scaled Score"] = np.nan
    return store.add(frame.to_csv(index=False).encode(), "mis.csv")


def show(store, dataset_id, filters=None, subject=None, by=None, threshold=10) -> dict:
    req = request(store, {"dataset_id": dataset_id, "personas": 5}, filters=filters)
    return panel.progress_panel(req.analysis, subject, by, lambda key: req.keep(ignore=(key,)) if key else req.mask,
                                threshold, req.filters)


def test_the_panel_follows_the_filters_and_says_what_progress_means(store, mis_id):
    everyone = show(store, mis_id, subject="Maths", by="gender")
    girls = show(store, mis_id, {"gender": ["F"]}, subject="Maths", by="gender")
    analysis = store.analysis(mis_id, 5)
    maths = pd.Series(analysis.progress.subjects["Maths"].progress)
    female = (analysis.students["Gender"] == "F").to_numpy()
    assert f"{maths[female].mean():+.1f} points" in girls["summary"]
    assert f"over {maths[female].notna().sum():,} students" in girls["summary"]
    assert f"{maths.mean():+.1f} points" in everyone["summary"]
    # the chart keeps both genders (a bar that set the filter can be clicked again); the other fades
    bars = girls["figure"]["data"][0]
    assert [row[1] for row in bars["customdata"]] == [row[1] for row in everyone["figure"]["data"][0]["customdata"]]
    assert all(row[0] == "gender" for row in bars["customdata"])
    assert girls["figure"]["data"][0]["marker"]["color"] != everyone["figure"]["data"][0]["marker"]["color"]
    assert "same prior attainment (KS2 Scaled Score)" in girls["meaning"]
    assert "On track = at least the result expected" in girls["meaning"]
    assert "2 with no prior attainment" in text(everyone["note"])
    assert [o["value"] for o in everyone["subject_options"]][:2] == [prog.ALL, "Maths"]
    assert {"form", "teacher", "fsm", "sen", "eal", "year_group"} <= {o["value"] for o in everyone["by_options"]}


def test_small_groups_are_left_off_the_chart_with_a_note(store, mis_id):
    out = show(store, mis_id, subject="Maths", by="sen", threshold=50)
    drawn = {row[1] for row in out["figure"]["data"][0]["customdata"]}
    assert "E" not in drawn and "N" in drawn
    assert "fewer than 50 students" in text(out["note"])


def test_a_click_on_a_bar_sets_the_filter_when_the_group_has_one(store, mis_id):
    analysis = store.analysis(mis_id, 5)
    click = {"points": [{"customdata": ["gender", "F"]}]}
    assert clicked({}, ids.PROGRESS_CHART, click, analysis) == {"gender": ["F"]}
    assert clicked({"gender": ["F"]}, ids.PROGRESS_CHART, click, analysis) == {}
    fsm = show(store, mis_id, by="fsm")["figure"]["data"][0]["customdata"]
    assert all(row[0] == "fsm" for row in fsm)  # every group role has a filter now, FSM too
    assert clicked({}, ids.PROGRESS_CHART, {"points": [{"customdata": fsm[0]}]}, analysis) == {"fsm": [fsm[0][1]]}


def test_filtering_never_refits(store, mis_id, monkeypatch):
    show(store, mis_id)
    monkeypatch.setattr(model, "expected_results", lambda *a: pytest.fail("refitted on a filter"))
    monkeypatch.setattr(model.IsotonicRegression, "fit", lambda *a: pytest.fail("refitted on a filter"))
    out = show(store, mis_id, {"gender": ["M"]}, subject=prog.ALL, by="form")
    assert "SD" in out["summary"]


def test_a_file_without_prior_attainment_says_what_it_needs(store):
    frame = mis_frame(60).drop(columns=["KS2 Scaled Score"])
    dataset_id = store.add(frame.to_csv(index=False).encode(), "no-prior.csv")
    out = show(store, dataset_id)
    assert out["graph"] == {"display": "none"} and out["controls"] == {"display": "none"}
    assert "needs a prior attainment column" in text(out["note"])


def test_the_uci_file_shows_g3_progress_by_school(store, data_dir):
    dataset_id = store.add((data_dir / "uci_student_mat.csv").read_bytes(), "uci_student_mat.csv")
    out = show(store, dataset_id, by="school_type")
    raw = pd.read_csv(data_dir / "uci_student_mat.csv", sep=";")
    assert [o["value"] for o in out["subject_options"]] == ["G3"]
    assert {row[1] for row in out["figure"]["data"][0]["customdata"]} == set(raw["school"])
    assert all(row[0] == "school" for row in out["figure"]["data"][0]["customdata"])
    assert "same prior attainment (G2)" in out["meaning"]
