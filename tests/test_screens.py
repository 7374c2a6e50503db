"""What the screen shows, without a browser: lists that follow the filters, panels a file cannot fill hidden,
what-if sliders that keep their values, and radar rings that stay legible on wide spreads."""
import numpy as np
import pandas as pd
import pytest
from test_predict_callbacks import text_of

from analytics.explore import views
from callbacks import personas, risk
from components import figures

HIDDEN = {"display": "none"}


@pytest.fixture(scope="module")
def view(kaggle_ready):
    return {"dataset_id": kaggle_ready, "personas": 5}


def test_the_persona_list_counts_the_students_in_view_like_the_donut(analysis):
    name = views.model_names(analysis, "personas")[0]
    gender = analysis.gender_column
    filters = {"gender": ["Female"]}
    in_view = (analysis.students[gender] == "Female").to_numpy()
    donut, described, *_ = personas.persona_panels(analysis, filters, in_view, in_view)
    words = text_of(described)
    female = int(in_view.sum())
    assert f"Counts follow the filters ({female:,} of {analysis.rows:,} students)" in words
    assert "describe the whole cohort" in words
    first = donut["data"][0]["values"][0]
    assert f"{name} {first:,} in view" in words


def test_the_unfiltered_persona_list_gives_whole_cohort_counts(analysis):
    everyone = np.ones(analysis.rows, dtype=bool)
    _, described, *_ = personas.persona_panels(analysis, {}, everyone, everyone)
    words = text_of(described)
    assert "in view" not in words and "Counts follow the filters" not in words
    assert f"{analysis.personas[0].size:,} students" in words


def test_a_file_nothing_can_score_hides_the_model_panels(tmp_path, kaggle_path):
    from backend.store import DatasetStore

    lonely = DatasetStore(str(tmp_path / "cache"))
    frame = pd.read_csv(kaggle_path).head(200).drop(columns=["Exam_Score"])
    dataset = lonely.add(frame.to_csv(index=False).encode(), "no-scores.csv")
    view = {"dataset_id": dataset, "personas": 5}
    assert risk.panels_style(lonely, view, None) == (risk.COLLAPSED, HIDDEN)
    assert risk.setup(lonely, view, None)["box"] == HIDDEN  # no empty "Scored by" menu either
    assert "This file has no exam scores" in text_of(risk.model_state(lonely, view, None)["status"])


def test_a_file_with_a_model_shows_its_panels(store, view):
    assert risk.panels_style(store, view, None) == ({}, {})


def test_redrawn_sliders_keep_the_values_set(store, view):
    sliders = risk.model_state(store, view, None, {"attendance": 10, "sleep_hours": 99})["sliders"]
    values = {s.children[1].id["role"]: s.children[1].value for s in sliders}
    assert values["attendance"] == 10
    assert values["sleep_hours"] == 0  # beyond the slider's range: back to no change
    fresh = risk.model_state(store, view, None)["sliders"]
    assert {s.children[1].value for s in fresh} == {0}


def test_a_wide_radar_labels_three_rings_at_most():
    centroids = pd.DataFrame({"attendance": [3.6, -3.1], "hours_studied": [0.2, -0.4]}, index=["A", "B"])
    fig = figures.radar(centroids, {"A": "#2563eb", "B": "#f59e0b"})
    axis = fig.layout.polar.radialaxis
    labelled = [t for t in axis.ticktext if t]
    assert labelled == ["-3 SD", "0 SD", "+3 SD"]
    assert len(axis.tickvals) == 7  # a grid ring for every whole SD still
