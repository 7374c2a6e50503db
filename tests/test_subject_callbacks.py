"""The Subject menu without a browser: what the view state keeps of it (the address, a typed pass mark that does
not survive a change of scale), the risk panels and the staff list it switches, the subjects job that learns
the models after the outcome's, and the Kaggle file that has no menu at all."""
import io

import numpy as np
import pandas as pd
import pytest
from dash import no_update
from test_mapping import mis_frame
from test_predict_callbacks import text_of

from analytics.explore import filters as flt
from backend import tasks
from callbacks import filters, interventions, overview, risk, scenario
from components import ids
from components.risk import OUTCOME


@pytest.fixture(scope="module")
def school(store):
    """An MIS-style upload (blank maths mocks for every 11th pupil) before any job has run: (frame, view)."""
    frame = mis_frame(900, 7)
    frame.loc[::11, "Maths Mock"] = np.nan
    dataset_id = store.add(frame.to_csv(index=False).encode(), "mis-export.csv")
    return frame, {"dataset_id": dataset_id, "personas": 5}


def sync(store, trigger, dataset_id, search="", mark=None, subject=None, uploaded=None):
    controls = {key: None for key in filters.KEYS}
    return filters.sync(store, trigger, search, dataset_id, 5, uploaded, {}, controls, None, {}, mark, subject)


def test_panels_wait_for_the_subjects_job_then_show_the_subject(store, school):
    frame, view = school
    starts = overview.job_starts(store, store.analysis(view["dataset_id"]), view)
    assert dict(zip(ids.JOB_START, starts))["subjects"] == view  # a file with subjects starts the job
    assert "The Maths model is being fitted" in text_of(risk.summary_content(store, view, None, None, None, "Maths"))
    reply = tasks.run(store, "subjects", view["dataset_id"])
    assert reply["ok"] and store.has_result("risk", view["dataset_id"])  # the outcome's model came first
    assert tasks.already_done(store, "subjects", view["dataset_id"])
    ctx = store.whatif(view["dataset_id"], subject="Maths")
    mark, task = ctx.risk.default_pass_mark, ctx.risk.passfail
    expected = int((ctx.predicted < ctx.risk.threshold(mark)).sum() if task.chosen == "regression" else
                   (task.out_of_fold >= 0.5).sum())  # the pass/fail approach in use flags them
    text = text_of(risk.summary_content(store, view, None, None, None, "Maths"))
    assert f"{expected:,} of 900 students in view" in text and "mean Maths marks" in text
    quality = text_of(risk.quality_content(store, view, None, None, "Maths"))
    blank = int(frame["Maths Mock"].isna().sum())
    assert f"on {900 - blank:,} students (Maths marks" in quality
    assert f"{blank:,} students with no Maths mark were left out of fitting" in quality
    outcome = text_of(risk.summary_content(store, view, None, None, None, OUTCOME))
    assert "Predicted mean combined score" in outcome  # blank: the file's outcome, as before
    state = risk.model_state(store, view, None, None, "Maths")
    assert state["placeholder"] == f"{mark:g}" and state["sliders"]
    result = text_of(scenario.cohort_content(store, view, None, None, None, {"attendance": 5}, "Maths")[0])
    assert "Below the pass mark" in result and f"lifted above {mark:g}" in result


def test_the_csv_holds_exactly_the_rows_the_list_shows(store, school):
    frame, view = school
    store.fit_subjects(view["dataset_id"])
    keep = {"gender": ["F"]}
    shown, defs, count = interventions.list_content(store, view, keep, None, None, "Maths")
    sent = interventions.csv_content(store, view, keep, None, None, "Maths")
    assert sent["filename"] == "cohort-atlas-interventions-maths.csv"
    csv = pd.read_csv(io.StringIO(sent["content"].lstrip("\ufeff")))
    assert list(csv.columns) == [d["headerName"] for d in defs]
    assert list(csv.columns[:6]) == ["Priority", "Row", "UPN", "Student Name", "Persona", "Maths mark"]
    assert csv["Row"].tolist() == [r["row"] for r in shown] and count == f"{len(shown):,} students"
    by_upn = frame.set_index("UPN")
    assert (by_upn.loc[csv["UPN"], "Gender"] == "F").all()  # the filtered view only
    assert csv["Student Name"].tolist() == by_upn.loc[csv["UPN"], "Student Name"].tolist()
    assert np.allclose(csv["Maths mark"], by_upn.loc[csv["UPN"], "Maths Mock"], equal_nan=True)
    assert (csv["Row"] - 2).tolist() == [frame.index[frame["UPN"] == u][0] for u in csv["UPN"]]


def test_the_subject_lives_in_the_address_and_clears_a_typed_pass_mark(store, school):
    _, view = school
    dataset_id = view["dataset_id"]
    opened = sync(store, None, dataset_id, search=f"?dataset={dataset_id}&personas=5&subject=Maths")
    assert opened["subject"] == "Maths" and opened["subject_box"] == {}
    assert [o["value"] for o in opened["subject_options"]] == [OUTCOME, "Maths", "English", "Art"]
    assert opened["subject_options"][0]["label"] == "All subjects (combined score)"
    picked = sync(store, ids.SUBJECT, dataset_id, mark=95, subject="Art")
    assert picked["mark"] is None and "subject=Art" in picked["search"] and "pass_mark" not in picked["search"]
    assert sync(store, ids.SUBJECT, dataset_id, subject="Art")["mark"] is no_update  # nothing typed to clear
    typed = sync(store, ids.PASS_MARK, dataset_id, mark=5, subject="Art")
    assert flt.subject_from_query(typed["search"]) == "Art" and flt.pass_mark_from_query(typed["search"]) == 5
    stale = sync(store, ids.URL, dataset_id, search=f"?dataset={dataset_id}&subject=Latin", subject="Maths")
    assert stale["subject"] == OUTCOME and "subject" not in stale["search"]  # not a subject of this file


def test_the_kaggle_file_has_no_subject_menu_and_starts_no_subjects_job(store, kaggle_ready):
    view = {"dataset_id": kaggle_ready, "personas": 5}
    out = sync(store, None, kaggle_ready, search=f"?dataset={kaggle_ready}&subject=Maths")
    assert out["subject_options"] == [] and out["subject_box"] == {"display": "none"}
    assert out["subject"] is no_update  # blank already: the risk panels are not woken for nothing
    assert "subject" not in out["search"]
    starts = dict(zip(ids.JOB_START, overview.job_starts(store, store.analysis(kaggle_ready), view)))
    assert starts["subjects"] is no_update and tasks.already_done(store, "subjects", kaggle_ready)
    # a subject left in the state counts as the outcome: the list is the one the Kaggle file always had
    with_subject = interventions.list_content(store, view, None, None, None, "Maths")
    assert with_subject == interventions.list_content(store, view, None, None, None)
    assert [d["headerName"] for d in with_subject[1]][:3] == ["Priority", "Row", "Persona"]
