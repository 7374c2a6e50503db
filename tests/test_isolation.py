"""Two schools on one server: a user of school B cannot read school A's dataset by URL, callback, table request,
export, print page or background job, and each answer is the one an unknown id gets; the same bytes from two
schools are two datasets; teachers see their classes only; special-category columns and the AI switch follow
the school's settings."""
import io

import pandas as pd
import pytest
from dash.exceptions import PreventUpdate
from signin import acting, fire, job_of, login, signed_in_app, upload

from analytics.ingest.school import generate_school
from backend.auth import access, ai
from backend.identity import Identity
from callbacks import filters
from callbacks.context import request, usable_models
from callbacks.jobs_panel import run_job
from callbacks.map import map_job
from components import ids

PASSWORD = "a long enough password"
UNKNOWN = "0" * 24
GRID = {"startRow": 0, "endRow": 100}
LEADER_A, LEADER_B = Identity("lead-a", "School A", "leader"), Identity("lead-b", "School B", "leader")


@pytest.fixture(scope="module")
def school_csv() -> bytes:
    return generate_school(240, seed=5).to_csv(index=False).encode()


@pytest.fixture(scope="module")
def world(tmp_path_factory, kaggle_path, school_csv):
    """The server, a signed-in client per person, and school A's upload (id)."""
    root = tmp_path_factory.mktemp("isolation")
    with signed_in_app(root, default_data=str(kaggle_path)) as (app, store):
        users = access._users
        for name, school, role, extra in [("lead-a", "School A", "leader", {}), ("lead-b", "School B", "leader", {}),
                                          ("t7a", "School A", "teacher", {"classes": ["7A"]}),
                                          ("iqbal", "School A", "teacher", {"name": "Mrs Iqbal"}),
                                          ("t-other", "School A", "teacher", {"classes": ["7A"]})]:
            users.save(name, school, role, PASSWORD, **extra)
        clients = {}
        for name in ("lead-a", "lead-b", "t7a", "iqbal", "t-other"):
            clients[name] = app.server.test_client()
            assert login(clients[name], name, PASSWORD).status_code == 303
        reply = upload(clients["lead-a"], school_csv, "year7.csv")
        assert reply.status_code == 200
        yield app, store, clients, reply.json["dataset_id"]


def view(dataset_id):
    return {"dataset_id": dataset_id, "personas": 4}


def block(world, who, dataset_id):
    app, _, clients, _ = world
    return fire(app, clients[who], f"{ids.STUDENT_TABLE}.getRowsResponse",
                {ids.STUDENT_TABLE: GRID, ids.VIEW: view(dataset_id)}, f"{ids.STUDENT_TABLE}.getRowsRequest")


def export(world, who, dataset_id):
    app, _, clients, _ = world
    return fire(app, clients[who], f"{ids.STUDENT_DOWNLOAD}.data",
                {ids.DOWNLOAD_CSV: 1, ids.VIEW: view(dataset_id)}, f"{ids.DOWNLOAD_CSV}.n_clicks")


def test_the_uploader_school_reads_its_dataset(world, school_csv):
    _, _, _, dataset = world
    reply = block(world, "lead-a", dataset)
    assert reply.status_code == 200
    rows = reply.json["response"][ids.STUDENT_TABLE]["getRowsResponse"]
    assert rows["rowCount"] == len(pd.read_csv(io.BytesIO(school_csv))) == 240
    csv = export(world, "lead-a", dataset).json["response"][ids.STUDENT_DOWNLOAD]["data"]["content"]
    assert csv.count("\n") == 241


def test_another_school_gets_what_an_unknown_id_gets(world):
    app, store, clients, dataset = world
    for probe in (block, export):
        theirs, unknown = probe(world, "lead-b", dataset), probe(world, "lead-b", UNKNOWN)
        assert theirs.status_code == unknown.status_code == 204
        assert theirs.get_data() == unknown.get_data()
    printed = clients["lead-b"].get(f"/print/class-list?dataset={dataset}")
    missing = clients["lead-b"].get(f"/print/class-list?dataset={UNKNOWN}")
    assert printed.status_code == missing.status_code == 404 and printed.get_data() == missing.get_data()
    assert clients["lead-a"].get(f"/print/class-list?dataset={dataset}").status_code == 200
    with acting(LEADER_B):
        assert not store.has(dataset)
        with pytest.raises(KeyError):
            store.analysis(dataset)
        with pytest.raises(PreventUpdate):
            request(store, view(dataset))
        # the address bar: ?dataset=<theirs> leaves the view where it was, as an unknown id does
        def opened(search):
            return filters.sync(store, ids.URL, search, "start", 4, None, {}, {}, None, {})["dataset_id"]

        assert opened(f"?dataset={dataset}") == opened(f"?dataset={UNKNOWN}") == "start"
    with acting(LEADER_A):
        assert filters.sync(store, ids.URL, f"?dataset={dataset}", "start", 4, None, {}, {}, None, {})[
            "dataset_id"] == dataset


def test_background_jobs_run_as_whoever_started_them(world):
    app, store, clients, dataset = world
    with job_of(clients["lead-b"], app):
        with pytest.raises(PreventUpdate):
            map_job(store, view(dataset))
        with pytest.raises(PreventUpdate):
            run_job(store, "outliers", view(dataset))
    with job_of(clients["lead-a"], app):
        from backend.auth import setup
        assert setup.current() == LEADER_A
    with job_of(app.server.test_client(), app):  # a job without a session cookie: nobody
        with pytest.raises(PreventUpdate):
            run_job(store, "outliers", view(dataset))


def test_anonymous_callbacks_and_uploads_are_refused(world, school_csv):
    app, _, _, dataset = world
    anonymous = app.server.test_client()
    reply = fire(app, anonymous, f"{ids.STUDENT_TABLE}.getRowsResponse",
                 {ids.STUDENT_TABLE: GRID, ids.VIEW: view(dataset)}, f"{ids.STUDENT_TABLE}.getRowsRequest")
    assert reply.status_code == 401
    assert anonymous.post("/api/upload", data=school_csv, headers={"X-Filename": "x.csv"}).status_code == 401


def test_the_same_bytes_from_two_schools_are_two_datasets(world, school_csv):
    app, store, clients, dataset = world
    again = upload(clients["lead-b"], school_csv, "ours.csv").json
    assert again["dataset_id"] != dataset
    with acting(LEADER_A):
        assert store.filename(dataset) == "year7.csv" and not store.has(again["dataset_id"])
    with acting(LEADER_B):
        assert store.filename(again["dataset_id"]) == "ours.csv" and not store.has(dataset)
    assert store.owner(dataset) == {"school": "School A", "uploader": "lead-a"}
    assert store.owner(again["dataset_id"]) == {"school": "School B", "uploader": "lead-b"}


def test_teachers_read_shared_datasets_limited_to_their_classes(world, school_csv):
    app, store, _, dataset = world
    frame = pd.read_csv(io.BytesIO(school_csv))
    assert block(world, "t7a", dataset).status_code == 204  # not shared yet: as if unknown
    access._users.share(store.root(dataset), "t7a")
    access._users.share(store.root(dataset), "iqbal")
    rows = block(world, "t7a", dataset).json["response"][ids.STUDENT_TABLE]["getRowsResponse"]
    assert rows["rowCount"] == int((frame["Form"] == "7A").sum()) > 0
    assert {row["Form"] for row in rows["rowData"]} == {"7A"}
    named = block(world, "iqbal", dataset).json["response"][ids.STUDENT_TABLE]["getRowsResponse"]
    assert named["rowCount"] == int((frame["Teacher"] == "Mrs Iqbal").sum()) > 0
    csv = export(world, "t7a", dataset).json["response"][ids.STUDENT_DOWNLOAD]["data"]["content"]
    assert csv.count("\n") == int((frame["Form"] == "7A").sum()) + 1
    assert block(world, "t-other", dataset).status_code == 204  # same classes, but nothing shared with them


def test_special_category_columns_follow_the_school_setting(world):
    app, _, clients, dataset = world

    def columns(who):
        reply = fire(app, clients[who], f"{ids.STUDENT_TABLE}.columnDefs", {ids.VIEW: view(dataset)},
                     f"{ids.VIEW}.data")
        return {c.get("field") for c in reply.json["response"][ids.STUDENT_TABLE]["columnDefs"]}

    access._users.share(dataset, "t7a")  # as the test above does: the columns test runs alone too
    assert "SEN" in columns("lead-a") and "SEN" not in columns("t7a") and "Form" in columns("t7a")
    access._users.set_setting("School A", "special_roles", "admin,leader,teacher")
    try:
        assert "SEN" in columns("t7a")
    finally:
        access._users.set_setting("School A", "special_roles", "admin,leader")


def test_scored_by_lists_only_models_the_user_may_read(world, kaggle_bytes):
    app, store, clients, _ = world
    with_exams = upload(clients["lead-a"], kaggle_bytes, "2025.csv").json
    store.run_jobs(with_exams["dataset_id"])
    frame = pd.read_csv(io.BytesIO(kaggle_bytes)).head(300).drop(columns=["Exam_Score"])
    no_exams = frame.to_csv(index=False).encode()
    ours = upload(clients["lead-a"], no_exams, "spring.csv").json
    theirs = upload(clients["lead-b"], no_exams, "spring.csv").json
    with acting(LEADER_A):
        menu = [s.dataset_id for s, _ in usable_models(store, store.analysis(ours["dataset_id"]))]
        assert with_exams["dataset_id"] in menu
    with acting(LEADER_B):
        assert [s.dataset_id for s in store.models()] == []
        assert usable_models(store, store.analysis(theirs["dataset_id"])) == []


def test_the_ai_provider_is_off_until_the_school_admin_turns_it_on(world, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-not-sent")
    with acting(LEADER_A):
        assert not ai.api_key() and ai.off_note() == ai.OFF
        access._users.set_setting("School A", "ai", "on")
        assert ai.api_key() == "test-key-not-sent" and ai.off_note() is None
    with acting(LEADER_B):
        assert not ai.api_key()  # one school's switch is not another's


def test_column_choices_remembered_by_one_school_are_not_offered_to_another(world):
    _, store, _, _ = world
    with acting(LEADER_A):
        store.remember_layout("layout-key", {"outcome": "Maths Mock"})
        assert store.layout_choices("layout-key") == {"outcome": "Maths Mock"}
    with acting(LEADER_B):
        assert store.layout_choices("layout-key") is None


def test_a_teachers_student_card_lists_only_students_of_their_classes(world, school_csv):
    from callbacks.profile import profile_content
    _, store, _, dataset = world
    access._users.share(store.root(dataset), "t7a")
    with acting(Identity("t7a", "School A", "teacher")):
        req = request(store, view(dataset))
    frame = pd.read_csv(io.BytesIO(school_csv))
    assert req.allowed.tolist() == (frame["Form"] == "7A").tolist()
    row = int(frame.index[frame["Form"] == "7A"][0])
    body, is_open, _ = profile_content(req.analysis, row, req.allowed)
    found = [b.id["row"] for b in _buttons(body)]
    assert is_open and found and all(frame["Form"][r] == "7A" for r in found)
    everyone = [b.id["row"] for b in _buttons(profile_content(req.analysis, row)[0])]
    assert any(frame["Form"][r] != "7A" for r in everyone)  # without the limit, other forms would be listed


def _buttons(node):
    children = getattr(node, "children", node)
    for child in children if isinstance(children, list) else [children]:
        if isinstance(getattr(child, "id", None), dict) and child.id.get("type") == ids.SIMILAR_STUDENT:
            yield child
        elif hasattr(child, "children") or isinstance(child, list):
            yield from _buttons(child)


def test_a_teacher_limited_to_their_classes_gets_no_student_map(world):
    from callbacks.map import map_content
    _, store, _, dataset = world
    access._users.share(store.root(dataset), "t7a")
    with acting(Identity("t7a", "School A", "teacher")):
        figure, said, _ = map_content(store, view(dataset), None, None, "persona", None)
    assert "shown to leaders only" in said and not any(t.get("meta") == "students" for t in figure["data"])
