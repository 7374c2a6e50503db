"""The Report section without a browser: the report job for a filtered view, its HTML and PDF handed only to the
person who asked, the student list only for staff, and a persona model downloaded and applied to another file."""
import base64
import json
import re

import pandas as pd
from pathlib import Path
import pytest

from analytics.ingest.school import generate_school
from analytics.models import model_file
from backend import identity, tasks
from backend.report_job import stored_report
from callbacks import report

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def who():
    def use(name: str, role: str, school: str = "oak"):
        found = identity.Identity(name, school, role)
        identity.use(lambda: found)
        return found

    yield use
    identity.use(None)


@pytest.fixture(scope="module")
def school(store):
    frame = generate_school(500, 11)
    dataset_id = store.add(frame.to_csv(index=False).encode(), "oak.csv")
    store.run_jobs(dataset_id, 5)
    return frame, {"dataset_id": dataset_id, "personas": 5}


def test_the_student_list_is_for_staff_only(school, who):
    _, view = school
    who("teacher1", "teacher")
    assert report.report_ask(view, {}, True)["include_students"] is True
    who("visitor", "governor")
    assert report.report_ask(view, {}, True)["include_students"] is False
    who("teacher1", "teacher")
    assert report.report_ask(view, {}, False)["include_students"] is False


def test_the_job_builds_the_view_and_only_its_owner_downloads_it(store, school, who, app_module, kaggle_path):
    frame, view = school
    who("leader1", "leader")
    ask = report.report_ask(view, {"year_group": ["10"]}, False)
    reply = tasks.report(store, ask)
    assert reply["error"] is None and reply["students"] == int((frame["Year Group"] == 10).sum())
    found = stored_report(store, reply["token"], "leader1")
    assert found and f'data-figure="students">{reply["students"]:,}<' in found["html"]
    assert not any(upn in found["html"] for upn in frame["UPN"])
    assert stored_report(store, reply["token"], "someone-else") is None
    app = app_module.create_app(store=store, default_data=str(kaggle_path), start=False)
    client = app.server.test_client()
    page = client.get(f"/download/report/{reply['token']}.html")
    assert page.status_code == 200 and "attachment" in page.headers["Content-Disposition"]
    assert reply["pdf"] and client.get(f"/download/report/{reply['token']}.pdf").data.startswith(b"%PDF")
    who("other", "teacher")
    assert client.get(f"/download/report/{reply['token']}.html").status_code == 404
    assert client.get("/download/report/nope.html").status_code == 404


def test_staff_get_the_student_list_with_names(store, school, who):
    frame, view = school
    who("teacher1", "teacher")
    reply = tasks.report(store, report.report_ask(view, {}, True))
    html = stored_report(store, reply["token"], "teacher1")["html"]
    assert "Student list (staff only)" in html and any(name in html for name in frame["Student Name"])


def test_a_model_downloaded_from_one_year_places_the_next(store, school):
    frame, view = school
    data, status = report.model_download(store, view)
    assert "Downloaded the model" in status
    doc = json.loads(data["content"])
    assert doc["format"] == model_file.FORMAT and not any(upn in data["content"] for upn in frame["UPN"])
    next_year = generate_school(400, 29)
    other = store.add(next_year.to_csv(index=False).encode(), "oak-next.csv")
    contents = "data:application/json;base64," + base64.b64encode(data["content"].encode()).decode()
    uploaded, status = report.model_apply(store, {"dataset_id": other, "personas": 3}, contents, "oak.json")
    placed = store.analysis(uploaded["dataset_id"], 3)
    first = store.analysis(view["dataset_id"], 5)
    assert [p.name for p in placed.personas] == [p.name for p in first.personas]
    assert re.search(r"Placed 400 students on the \d personas", status)
    counts = placed.students["Persona"].astype(str).value_counts()
    assert sum(counts) == len(next_year)


def test_a_model_the_file_cannot_take_says_which_themes(store, school):
    frame, view = school
    data, _ = report.model_download(store, view)
    thin = generate_school(300, 5).drop(columns=["Attendance %"])
    other = store.add(thin.to_csv(index=False).encode(), "thin.csv")
    contents = "data:application/json;base64," + base64.b64encode(data["content"].encode()).decode()
    uploaded, status = report.model_apply(store, {"dataset_id": other, "personas": 5}, contents, "oak.json")
    assert status.startswith("Not applied:") and "attendance theme" in status
    junk = "data:application/json;base64," + base64.b64encode(b"{}").decode()
    _, status = report.model_apply(store, {"dataset_id": other, "personas": 5}, junk, "junk.json")
    assert "not a Cohort Atlas persona model" in status


def test_a_file_without_personas_has_no_model_to_download(store, kaggle_path):
    frame = pd.read_csv(kaggle_path).head(200)[["Previous_Scores", "Exam_Score"]]
    dataset_id = store.add(frame.to_csv(index=False).encode(), "scores.csv")
    data, status = report.model_download(store, {"dataset_id": dataset_id, "personas": 5})
    assert "no personas to carry forward" in status


def test_the_page_holds_only_an_id_of_what_the_job_builds(store, school, who):
    from backend.report_job import saved_ask

    _, view = school
    who("visitor", "governor")
    kept = report.start(store, view, {}, True)
    assert list(kept) == ["ask"]  # no flag or name the browser could edit
    ask = saved_ask(store, kept["ask"])
    assert ask["include_students"] is False and ask["owner"] == "visitor"
    assert saved_ask(store, "forged") is None and saved_ask(store, None) is None


def test_the_reference_loaded_in_the_benchmarks_section_is_in_the_report(store, school, who):
    _, view = school
    who("leader1", "leader")
    example = ROOT / "examples" / "reference-england-ks4.csv"
    store.save_reference(view["dataset_id"], example.read_bytes(), example.name)
    try:
        reply = tasks.report(store, report.report_ask(view, {}, False))
        html = stored_report(store, reply["token"], "leader1")["html"]
    finally:
        store.forget_reference(view["dataset_id"])
    assert "Against the reference (reference-england-ks4.csv)" in html and "Attendance" in html
