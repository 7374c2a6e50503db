"""Dashboard callbacks without a browser: the functions the callbacks call, on a real store and the Kaggle file."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import KAGGLE
from dash import no_update

from backend.store import DatasetStore
from callbacks import breakdowns, overview, personas, table, trajectories, upload


def walk(node):
    """Every component (and string) in a Dash component tree."""
    if node is None or isinstance(node, (int, float)):
        return
    if isinstance(node, str):
        yield node
        return
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from walk(child)
        return
    yield node
    yield from walk(getattr(node, "children", None))


def text(node) -> str:
    return " ".join(part for part in walk(node) if isinstance(part, str))


def ids(node) -> set:
    # pattern-matching ids are dicts: kept as their JSON text, as Dash writes them into the page
    return {json.dumps(i, sort_keys=True) if isinstance(i, dict) else i
            for i in (getattr(c, "id", None) for c in walk(node) if not isinstance(c, str))} - {None}


def test_overview_publishes_small_view_and_kpis(store, kaggle_id):
    out = dict(zip(overview.OUTPUTS, overview.overview(store, kaggle_id, 5)))
    assert out["view"] == {"dataset_id": kaggle_id, "personas": 5}
    kpis = text(overview.kpi_content(store, out["view"], {}))
    assert "6,607" in kpis and "Mean exam score" in kpis and "cells filled in" in kpis
    weakest = store.analysis(kaggle_id, 5).trajectories[-1].name
    assert weakest in kpis
    assert "Teacher_Quality: 78" in kpis  # the per-column tooltip
    assert out["skipped-alerts"] == [] and out["dashboard-error"] is None
    assert out["navbar-dataset"] == KAGGLE
    assert overview.section_styles(store, out["view"]) == ({}, {})


def test_overview_unknown_dataset_keeps_previous_view(store):
    out = dict(zip(overview.OUTPUTS, overview.overview(store, "not-a-dataset", 5)))
    assert out["view"] is no_update and out["navbar-dataset"] is no_update
    assert "upload it again" in text(out["dashboard-error"])


def test_overview_hides_skipped_models_and_names_columns(store, partial):
    no_traj, no_personas = partial
    out = dict(zip(overview.OUTPUTS, overview.overview(store, no_traj.dataset_id, 5)))
    assert overview.section_styles(store, out["view"]) == ({}, {"display": "none"})
    assert "Previous_Scores" in text(out["skipped-alerts"]) and "Exam_Score" in text(out["skipped-alerts"])
    assert "no exam score column" in text(overview.kpi_content(store, out["view"], {}))
    out = dict(zip(overview.OUTPUTS, overview.overview(store, no_personas.dataset_id, 5)))
    assert overview.section_styles(store, out["view"]) == ({"display": "none"}, {})
    assert "Hours_Studied" in text(out["skipped-alerts"])


def test_persona_panels(analysis):
    donut, described, options, value, boxes, style, note = personas.persona_panels(analysis)
    assert len(donut.data[0].labels) == 5 and sum(donut.data[0]["values"]) == 6607
    names = [p.name for p in sorted(analysis.personas, key=lambda p: p.id)]
    assert list(donut.data[0].labels) == names
    assert all(name in text(described) for name in names)
    assert [o["value"] for o in options] == ["all", "0", "1", "2", "3", "4"] and value == "all"
    assert len(boxes.data) == 5 and style == {} and note is None


def test_persona_colours_match_across_charts(analysis):
    donut = personas.persona_panels(analysis)[0]
    radar = personas.radar(analysis, "all")
    mix = trajectories.trajectory_panels(analysis)[2]
    by_name = dict(zip(donut.data[0].labels, donut.data[0].marker.colors))
    assert {t.line.color for t in radar.data} == set(by_name.values())
    assert {t.name: t.marker.color for t in mix.data} == by_name


def test_radar_all_or_one(analysis):
    assert len(personas.radar(analysis, "all").data) == 5
    one = personas.radar(analysis, "2")
    assert len(one.data) == 1
    assert one.data[0].r[0] == pytest.approx(analysis.personas[2].centroid[analysis.themes[0]])
    assert len(personas.radar(analysis, "7").data) == 5  # a stale choice falls back to all


def test_trajectory_panels(analysis):
    donut, described, mix, caption, style, note = trajectories.trajectory_panels(analysis)
    assert len(donut.data[0].labels) == 3
    assert style == {} and note is None and "adds up to 100%" in caption
    assert len(mix.data) == 5 and list(mix.data[0].y) == [t.name for t in analysis.trajectories]
    assert all(t.name in text(described) for t in analysis.trajectories)


@pytest.mark.parametrize("by", ["gender", "school"])
def test_breakdowns_counts_and_percent(analysis, by):
    fig, style, note, caption = breakdowns.breakdown_panel(analysis, by, "percent")
    assert style == {} and note is None and "100%" in caption
    assert len(fig.data) == 5 + 3  # persona segments, then trajectory segments
    counts, _, _, caption = breakdowns.breakdown_panel(analysis, by, "count")
    assert "Number of students" in caption
    assert sum(sum(t.y) for t in counts.data) == 2 * 6607  # every student once per model


def test_breakdowns_and_scores_without_columns(partial):
    no_traj, no_personas = partial
    fig, style, note, caption = breakdowns.breakdown_panel(no_traj, "school", "percent")
    assert style == {"display": "none"} and "No school type column" in text(note) and caption is None
    fig, style, _, _ = breakdowns.breakdown_panel(no_traj, "gender", "count")
    assert style == {} and len(fig.data) == 5  # personas only
    fig, style, _, _ = breakdowns.breakdown_panel(no_personas, "school", "count")
    assert style == {} and len(fig.data) == 3  # trajectories only
    _, _, _, _, _, style, note = personas.persona_panels(no_traj)
    assert style == {"display": "none"} and "No exam score column" in text(note)
    _, _, _, _, style, note = trajectories.trajectory_panels(no_personas)
    assert style == {"display": "none"} and "Hours_Studied" in text(note)  # the mix needs personas


def test_table_block_sends_one_block_and_names_the_columns(store, kaggle_id):
    view = {"dataset_id": kaggle_id, "personas": 5}
    defs = table.columns(store.analysis(kaggle_id, 5))
    assert [d["field"] for d in defs[:3]] == ["row", "Persona", "Trajectory"]
    response, count = table.block(store, view, None, {"startRow": 0, "endRow": 100})
    rows = response["rowData"]
    assert len(rows) == 100 and response["rowCount"] == 6607 and count == "6,607 students"
    assert rows[0]["row"] == 2  # spreadsheet row: header is row 1
    analysis = store.analysis(kaggle_id, 5)
    assert rows[0]["Exam_Score"] == 67 and rows[0]["Persona"] == str(analysis.students["Persona"].iloc[0])
    json.dumps(rows)  # every cell is plain JSON (numpy values would make the grid's request fail)
    last, _ = table.block(store, view, None, {"startRow": 6600, "endRow": 6700})
    assert [r["row"] for r in last["rowData"]] == list(range(6602, 6609))


def test_table_block_applies_grid_filters_and_sort_on_the_server(store, kaggle_id):
    view = {"dataset_id": kaggle_id, "personas": 5}
    students = store.analysis(kaggle_id, 5).students
    request = {"startRow": 0, "endRow": 50,
               "filterModel": {"Gender": {"filterType": "text", "type": "equals", "filter": "female"},
                               "Exam_Score": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 70}},
               "sortModel": [{"colId": "Exam_Score", "sort": "desc"}, {"colId": "Hours_Studied", "sort": "asc"}]}
    response, count = table.block(store, view, None, request)
    expected = students[(students["Gender"] == "Female") & (students["Exam_Score"] >= 70)]
    assert response["rowCount"] == len(expected) and count == f"{len(expected):,} of 6,607 students"
    scores = [(r["Exam_Score"], r["Hours_Studied"]) for r in response["rowData"]]
    assert scores == sorted(scores, key=lambda s: (-s[0], s[1])) and scores[0][0] == expected["Exam_Score"].max()
    assert {r["Gender"] for r in response["rowData"]} == {"Female"}


def test_table_csv_is_the_whole_view_with_formulas_neutralised(store, kaggle_path, tmp_path):
    path = tmp_path / "formula.csv"
    frame = pd.read_csv(kaggle_path).head(300)
    frame.loc[3, "Gender"] = "=HYPERLINK(\"http://x\")"
    frame.to_csv(path, index=False)
    dataset_id = store.add(path.read_bytes(), path.name)
    view = {"dataset_id": dataset_id, "personas": 5}
    sent = table.csv_download(store, view, None, {"sortModel": [{"colId": "row", "sort": "desc"}]})
    lines = sent["content"].lstrip("\ufeff").splitlines()
    assert sent["filename"] == "cohort-atlas-students.csv" and len(lines) == 301
    assert lines[0].startswith('"Row","Persona","Trajectory"') and lines[1].startswith("301,")
    assert "\"'=HYPERLINK(\"\"http://x\"\")\"" in sent["content"] and ",\"=HYPERLINK" not in sent["content"]


def test_receive_checks_size_before_reading_body(store):
    def body(_limit):
        raise AssertionError("the body must not be read")

    reply, status = upload.receive(store, body, store.max_bytes + 1, "big.csv")
    assert status == 413 and "over the 50 MB limit" in reply["error"] and "big.csv" in reply["error"]
    reply, status = upload.receive(store, body, 0, "empty.csv")
    assert status == 400 and "empty" in reply["error"]


def test_receive_without_declared_length_stops_at_the_limit(store):
    asked = []

    def read(limit):
        asked.append(limit)
        return b"x" * limit

    reply, status = upload.receive(store, read, None, "stream.csv")
    assert asked == [store.max_bytes + 1] and status == 413 and "limit" in reply["error"]


def test_receive_and_analyse_upload(store, kaggle_bytes):
    reply, status = upload.receive(store, lambda _limit: kaggle_bytes, len(kaggle_bytes), KAGGLE)
    assert status == 200 and reply["filename"] == KAGGLE
    uploaded, message, progress = upload.analyse_upload(store, {**reply, "t": 1}, 5)
    assert uploaded == {"dataset_id": reply["dataset_id"]} and progress == {"display": "none"}
    assert f"Loaded {KAGGLE}: 6,607 students, 5 personas, 3 trajectories" in text(message)
    assert "Teacher_Quality" in text(message)


def test_analyse_upload_errors_keep_previous_dataset(store):
    bad = store.add(os.urandom(3000), "noise.bin")
    dataset_id, message, _ = upload.analyse_upload(store, {"dataset_id": bad, "filename": "noise.bin"}, 5)
    assert dataset_id is no_update
    assert message.color == "danger" and "noise.bin" in text(message) and "Traceback" not in text(message)
    dataset_id, message, _ = upload.analyse_upload(store, {"error": "file 'e.csv': the file is empty"}, 5)
    assert dataset_id is no_update and "the file is empty" in text(message)
    assert upload.analyse_upload(store, None, 5) == (no_update,) * 3


def test_analyse_upload_hides_unexpected_exceptions(caplog):
    class Broken:
        def analysis(self, *_):
            raise RuntimeError("secret internals")

    _, message, _ = upload.analyse_upload(Broken(), {"dataset_id": "x", "filename": "f.csv"}, 5)
    assert "secret internals" not in text(message) and "logged" in text(message)
    assert "secret internals" in caplog.text


def test_clean_filename():
    assert upload.clean_filename("..%2F..%2Fetc%2Fpasswd") == "passwd"
    assert upload.clean_filename("C:%5Cdata%5Cclass%203B.csv") == "class 3B.csv"
    assert upload.clean_filename(None) == "upload.csv"


@pytest.fixture(scope="module")
def dash_app(tmp_path_factory, kaggle_path):
    # start=False: no map worker and no warm-up thread on the shared cores; these tests draw no map
    from app import create_app

    store = DatasetStore(str(tmp_path_factory.mktemp("appcache")), max_bytes=2**20)  # the Kaggle file (0.6 MB) fits
    return create_app(store=store, default_data=str(kaggle_path), start=False), store


def test_layout_has_every_component(dash_app):
    app, _ = dash_app
    found = ids(app.validation_layout)  # the shell and every tab
    for needed in ["drop-zone", "upload-progress", "upload-status", "upload-result", "persona-count", "kpi-row",
                   "persona-donut", "trajectory-donut", "persona-radar", "radar-persona", "persona-list",
                   "trajectory-mix", "gender-breakdown", "school-breakdown", "breakdown-mode",
                   "score-distribution", "student-table", "download-csv", "table-count", "dataset-id"]:
        assert needed in found, needed
    assert app.title == "Cohort Atlas"


def test_upload_route(dash_app):
    app, store = dash_app
    client = app.server.test_client()
    client.get("/")  # the page sets the token the upload card sends back (backend/security.py)
    token = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    small = b"Hours_Studied,Attendance,Exam_Score\n1,80,60\n2,90,70\n3,85,65\n"
    reply = client.post("/api/upload", data=small, headers={"X-Filename": "class%201.csv", **token})
    assert reply.status_code == 200 and reply.json["filename"] == "class 1.csv" and store.has(reply.json["dataset_id"])
    too_big = client.post("/api/upload", data=b"a,b\n" * 2**18 + b"1,2\n", headers={"X-Filename": "big.csv", **token})
    assert too_big.status_code == 413 and "over the 1 MB limit" in too_big.json["error"]
    empty = client.post("/api/upload", data=b"", headers={"X-Filename": "empty.csv", **token})
    assert empty.status_code == 400 and "empty" in empty.json["error"]


def test_default_dataset_is_the_given_file(dash_app, kaggle_bytes):
    app, store = dash_app
    default = next(c for c in walk(app.layout) if getattr(c, "id", None) == "dataset-id").data
    assert store.has(default) and store.filename(default) == KAGGLE


def test_command_line_refuses_a_bad_data_file(tmp_path):
    noise = tmp_path / "noise.csv"
    noise.write_bytes(os.urandom(2048))
    env = {**os.environ, "COHORT_ATLAS_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "app.py", "--data", str(noise), "--port", "1"], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, env=env, timeout=120)
    assert run.returncode == 2 and "file 'noise.csv'" in run.stderr and "Traceback" not in run.stderr


def test_importing_the_app_builds_and_starts_nothing(tmp_path):
    """Importing app (as tests and tools do) makes no app, no thread and no map worker; wsgi builds one."""
    script = ("import threading, app, dash\n"
              "print(threading.active_count(), any(isinstance(v, dash.Dash) for v in vars(app).values()),"
              " hasattr(app, 'server'))\n")
    env = {**os.environ, "COHORT_ATLAS_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parent.parent, env=env)
    assert run.stdout.split() == ["1", "False", "False"], run.stderr[-2000:]
    assert not (tmp_path / "cache").exists()  # not even the demo cohort was stored
