"""The risk, what-if and intervention callbacks without a browser: what a teacher reads for the Kaggle file,
a filtered view, a typed pass mark, one student's card, and a next-term file scored by an earlier model."""
import re

import dash
import numpy as np
import pandas as pd
import pytest
from dash import html

from analytics.explore import views
from callbacks import interventions, register_all, risk, scenario
from components import ids
from components.layout import layout


def words(component) -> str:
    """Every string inside a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(words(c) for c in component)
    return words(getattr(component, "children", None))


def text_of(component) -> str:
    return " ".join(words(component).split())


@pytest.fixture(scope="module")
def view(kaggle_ready):
    return {"dataset_id": kaggle_ready, "personas": 5}


def test_setup_builds_sliders_and_the_default_pass_mark(store, view):
    menu, state = risk.setup(store, view, None), risk.model_state(store, view, None)
    assert menu["options"] == [] and menu["box"] == {"display": "none"}  # its own model; nothing to pick
    assert state["status"] is None
    labels = [text_of(s.children[0]) for s in state["sliders"]]
    assert any("Attendance" in label for label in labels) and any("Motivation" in label for label in labels)
    assert state["placeholder"] == f"{store.risk(view['dataset_id']).default_pass_mark:g}"
    assert [o["value"] for o in menu["fair_options"]] == ["Gender", "School_Type"] and menu["fair_value"] == "Gender"


def test_summary_follows_filters_and_a_typed_pass_mark(store, view, analysis):
    body = risk.summary_content(store, view, None, None, None)
    quality = risk.quality_content(store, view, None, None)
    ctx = store.whatif(view["dataset_id"])
    mark, task = ctx.risk.default_pass_mark, ctx.risk.passfail
    # flagged by the pass/fail approach in use: more likely below than not (its chances: test_passfail.py)
    assert task.chosen != "regression" and task.mark == mark
    expected = int((task.out_of_fold >= 0.5).sum())
    text = text_of(body)
    assert f"{expected:,}" in text and "of 6,607 students in view" in text and "halfway between" in text
    assert "Risk model" in text_of(quality) and "Predict the mean" in text_of(quality)
    name = views.model_names(analysis, "personas")[0]
    body = risk.summary_content(store, view, {"persona": [name]}, 70, None)
    in_view = analysis.students["Persona"].to_numpy() == name
    expected = int((ctx.predicted[in_view] < 69.5).sum())  # at a typed mark nothing is refitted: the regression
    assert f"{expected:,} of {int(in_view.sum()):,} students in view" in text_of(body) and "set by you" in text_of(body)


def by_id(component, wanted):
    """The component with id `wanted` inside a Dash component tree (None when absent)."""
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None) if not isinstance(component, (list, tuple)) else component
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            found = by_id(child, wanted)
            if found is not None:
                return found
    return None


def test_model_quality_shows_brier_intervals_sizes_and_the_reliability_chart(store, view, analysis):
    from sklearn.metrics import brier_score_loss

    quality = risk.quality_content(store, view, None, None)
    task = store.whatif(view["dataset_id"]).risk.passfail
    ev = task.evaluation
    text = text_of(by_id(quality, ids.RISK_PASSFAIL))
    brier = brier_score_loss(ev.below, ev.chances[ev.chosen])
    assert f"{brier:.3f}" in text and "in use" in text and "Majority class" in text and "Previous score alone" in text
    assert f"n = {len(ev.below):,} students, {int(ev.below.sum()):,} of them below" in text_of(quality)
    verdict = text_of(by_id(quality, ids.RISK_VERDICT))
    assert "for the majority class" in verdict and "for the previous score alone" in verdict
    # the chart: each decile's mean chance and the share of it that fell below, recomputed with pandas
    frame = pd.DataFrame({"chance": ev.chances[ev.chosen], "below": ev.below}).sort_values("chance", kind="stable")
    groups = np.array_split(np.arange(len(frame)), 10)
    points = by_id(quality, ids.RISK_RELIABILITY).figure["data"][1]
    assert np.allclose(points["x"], [frame["chance"].iloc[g].mean() for g in groups])
    assert np.allclose(points["y"], [frame["below"].iloc[g].mean() for g in groups])
    # at a typed pass mark nothing is refitted, and the panel says so
    assert "no refitting" in text_of(risk.quality_content(store, view, 70, None))


def test_cohort_scenario_reports_the_change_and_clipping(store, view, analysis):
    result, chart, clipped = scenario.cohort_content(store, view, None, None, None, {})
    assert "Move a slider" in text_of(result) and clipped == ""
    result, chart, clipped = scenario.cohort_content(store, view, None, None, None, {"attendance": 10})
    text = text_of(result)
    before, after = [int(x.replace(",", "")) for x in re.search(r"Below the pass mark ([\d,]+) → ([\d,]+)", text).groups()]
    assert after < before and "lifted above" in text
    over = int((analysis.students["Attendance"] > 90).sum())
    assert f"Attendance: {over:,} students held at the edge" in clipped
    assert len(chart.data[0].y) == 5 and all(v > 0 for v in chart.data[0].x)


def test_student_card_explains_and_finds_the_smallest_change(store, view):
    ctx = store.whatif(view["dataset_id"])
    mark = ctx.risk.default_pass_mark
    low = int(np.flatnonzero(ctx.predicted < ctx.risk.threshold(mark) - 1)[0])
    block = scenario.student_content(store, view, low, None, None)
    text = text_of(block)
    assert f"{ctx.predicted[low]:.1f}" in text and "chance of ending below" in text
    assert "predicted score by" in text and ("Smallest change" in text or "No change within" in text)
    assert "What if, for this student" in text
    after = scenario.student_whatif_content(store, view, low, None, None, {"attendance": 10})
    assert after.startswith("With these changes:") and "predicted" in after
    high = int(np.argmax(ctx.predicted))
    assert "already" in text_of(scenario.student_content(store, view, high, None, None))
    assert scenario.student_content(store, view, None, None, None) is None


def test_intervention_list_and_its_csv(store, view, analysis):
    rows, defs, count = interventions.list_content(store, view, None, None, None)
    total = int(re.search(r"of ([\d,]+) students", count).group(1).replace(",", ""))
    assert len(rows) == 1000 < total and count == f"the 1,000 most in need of {total:,} students"
    assert defs[0]["field"] == "priority"
    assert rows[0]["priority"] >= rows[-1]["priority"] and rows[0]["suggested_support"]
    sent = interventions.csv_content(store, view, None, None, None)
    lines = sent["content"].lstrip("\ufeff").splitlines()
    assert sent["filename"] == "cohort-atlas-interventions.csv" and len(lines) == len(rows) + 1
    assert lines[0].startswith('"Priority","Row","Persona","Predicted score"')
    private = interventions.list_content(store, view, {"school": ["Private"]}, None, None)[0]
    assert {analysis.students["School_Type"].iat[r["row"] - 2] for r in private} == {"Private"}


def test_target_and_fairness_panels(store, view, analysis):
    result, target = risk.target_content(store, view, None, None, None, None)
    median = float(np.ceil(analysis.students["Exam_Score"].median()))
    assert target == median and f"are below {median:g} on exam scores" in text_of(result)
    result, target = risk.target_content(store, view, None, 75, None, None)
    below = int((analysis.students["Exam_Score"] < 75).sum())
    assert f"{below:,} of 6,607 students" in text_of(result)
    table = risk.fairness_content(store, view, "School_Type", None, None)
    assert "Public" in text_of(table) and "Private" in text_of(table) and "Caught (recall)" in text_of(table)


def test_next_term_file_is_scored_only_by_the_model_the_user_picks(store, kaggle_id, kaggle_path):
    frame = pd.read_csv(kaggle_path).head(500).drop(columns=["Exam_Score"])
    new_id = store.add(frame.to_csv(index=False).encode(), "next-term-cohort.csv")
    new_view = {"dataset_id": new_id, "personas": 5}
    store.fit_risk(kaggle_id)  # what the risk job does
    menu = risk.setup(store, new_view, None)
    offered = {"label": "student_performance_factors.csv (100% of its columns here)", "value": kaggle_id}
    assert offered in menu["options"]
    assert menu["value"] is None and menu["box"] == {}  # offered, not chosen for the user
    before = risk.model_state(store, new_view, None)
    assert text_of(before["status"]) == "Choose which earlier upload's model scores this file (Scored by, above)."
    assert before["sliders"] == []
    for panel in (risk.summary_content(store, new_view, None, None, None),
                  risk.fairness_content(store, new_view, "Gender", None, None),
                  scenario.cohort_content(store, new_view, None, None, None, {})[0]):
        assert "Choose which earlier upload's model scores this file" in text_of(panel)
    assert "Choose which earlier upload's model" in interventions.list_content(store, new_view, None, None, None)[2]
    after = risk.model_state(store, new_view, kaggle_id)  # the pick is the callback's input
    assert text_of(after["status"]) == ("Scores are predicted by the model learnt from "
                                        "student_performance_factors.csv: this file has no exam scores.")
    assert after["sliders"]
    assert risk.setup(store, new_view, kaggle_id)["value"] == kaggle_id  # a job finishing keeps the pick
    body = risk.summary_content(store, new_view, None, None, kaggle_id)
    quality = risk.quality_content(store, new_view, None, kaggle_id)
    assert "these scores are predictions" in text_of(body) and "learnt from student_performance_factors.csv" in text_of(quality)
    assert interventions.list_content(store, new_view, None, None, kaggle_id)[0]


def test_the_status_follows_the_pick_between_two_models(store, kaggle_id, kaggle_path):
    frame = pd.read_csv(kaggle_path)
    other_id = store.add(frame.head(400).to_csv(index=False).encode(), "last-year-400.csv")
    store.fit_risk(kaggle_id)
    store.fit_risk(other_id)
    new_id = store.add(frame.tail(200).drop(columns=["Exam_Score"]).to_csv(index=False).encode(), "spring.csv")
    new_view = {"dataset_id": new_id, "personas": 5}
    assert {kaggle_id, other_id} <= {o["value"] for o in risk.setup(store, new_view, None)["options"]}
    first = text_of(risk.model_state(store, new_view, kaggle_id)["status"])
    second = text_of(risk.model_state(store, new_view, other_id)["status"])
    assert "learnt from student_performance_factors.csv:" in first and "last-year-400.csv" not in first
    assert "learnt from last-year-400.csv:" in second and "student_performance_factors.csv" not in second


def test_a_file_nothing_can_score_says_what_to_do(tmp_path, kaggle_path):
    from backend.store import DatasetStore

    lonely = DatasetStore(str(tmp_path / "cache"))
    frame = pd.read_csv(kaggle_path).head(200).drop(columns=["Exam_Score"])
    dataset = lonely.add(frame.to_csv(index=False).encode(), "no-scores.csv")
    lonely.run_jobs(dataset)
    state = risk.model_state(lonely, {"dataset_id": dataset, "personas": 5}, None)
    assert "Upload an earlier file of the same layout with exam scores first" in text_of(state["status"])
    assert state["sliders"] == [] and risk.setup(lonely, {"dataset_id": dataset, "personas": 5}, None)["options"] == []
    assert risk.summary_content(lonely, {"dataset_id": dataset, "personas": 5}, None, None, None) is None
    assert interventions.list_content(lonely, {"dataset_id": dataset, "personas": 5}, None, None, None) == ([], [], "")
    assert isinstance(text_of(html.Div("x")), str)


def test_a_model_is_offered_only_to_files_that_share_its_columns(store, kaggle_id, data_dir):
    store.fit_risk(kaggle_id)  # what the risk job does
    frame = pd.read_csv(data_dir / "exams_students_performance.csv")
    no_scores = frame.drop(columns=["math score", "reading score", "writing score"])
    exams = store.add(no_scores.to_csv(index=False).encode(), "exams.csv")
    store.run_jobs(exams)
    view = {"dataset_id": exams, "personas": 5}
    menu, state = risk.setup(store, view, None), risk.model_state(store, view, kaggle_id)
    assert menu["options"] == [] and menu["value"] is None  # 3 of the Kaggle model's 19 columns: not offered
    assert state["sliders"] == [] and "shares at least half of its columns" in text_of(state["status"])


def test_the_target_grade_of_a_file_with_subjects_starts_at_the_combined_median(store, data_dir):
    exams = store.add((data_dir / "exams_students_performance.csv").read_bytes(), "exams.csv")
    store.run_jobs(exams)
    view = {"dataset_id": exams, "personas": 5}
    result, target = risk.target_content(store, view, None, None, None, None)
    combined = store.core(exams).students["Combined score"]
    assert target == float(np.ceil(combined.median())) and "Math" in text_of(result)


def test_picking_a_model_redraws_the_status_through_the_app(store, kaggle_ready, kaggle_path):
    """The menu's value is an input of the status callback, so the pick itself redraws the status line."""
    app = dash.Dash(__name__)
    app.layout = layout(kaggle_ready, "/api/upload", store.max_bytes)
    register_all(app, store)
    frame = pd.read_csv(kaggle_path).head(300).drop(columns=["Exam_Score"])
    new_view = {"dataset_id": store.add(frame.to_csv(index=False).encode(), "spring.csv"), "personas": 5}
    key = next(key for key in app.callback_map if f"{ids.RISK_STATUS}.children" in key)
    assert {"id": ids.RISK_MODEL, "property": "value"} in app.callback_map[key]["inputs"]
    values = {ids.VIEW: new_view, ids.RISK_MODEL: kaggle_ready, ids.SUBJECT: "(outcome)", ids.JOBS_READY: None}
    # the what-if sliders' values are pattern-matching state: none drawn yet
    body = {"output": key, "changedPropIds": [f"{ids.RISK_MODEL}.value"],
            "state": [[] for _ in app.callback_map[key]["state"]],
            "outputs": [dict(zip(("id", "property"), out.split("."))) for out in key.strip(".").split("...")],
            "inputs": [{**spec, "value": values[spec["id"]]} for spec in app.callback_map[key]["inputs"]]}
    reply = app.server.test_client().post("/_dash-update-component", json=body).json["response"]
    status = reply[ids.RISK_STATUS]["children"]["props"]["children"][1]
    assert status == ("Scores are predicted by the model learnt from student_performance_factors.csv: "
                      "this file has no exam scores.")
