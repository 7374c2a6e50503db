"""School admins and the per-school features on a two-school server: the accounts page, terms, references and
the AI switch, each limited to the admin's or reader's own school."""
import pytest
from dash.exceptions import PreventUpdate
from signin import acting, login, upload
from test_isolation import LEADER_A, LEADER_B, PASSWORD, school_csv, view, world  # noqa: F401

from analytics.ingest.school import generate_school
from backend.auth import access, ai
from components import ids


def test_an_admin_manages_the_accounts_and_switches_of_their_own_school(world):  # noqa: F811
    app, store, clients, dataset = world
    access._users.save("admin-a", "School A", "admin", PASSWORD)
    admin = app.server.test_client()
    login(admin, "admin-a", PASSWORD)
    page = admin.get("/accounts").get_data(as_text=True)
    assert "Accounts of School A" in page and "lead-a" in page and "lead-b" not in page and "<script" not in page
    made = admin.post("/accounts/users", data={"username": "new-t", "role": "teacher", "classes": "7B",
                                            "password": "new teacher password"})
    assert made.status_code == 303
    assert access._users.verify("new-t", "new teacher password").school == "School A"
    assert login(app.server.test_client(), "new-t", "new teacher password").status_code == 303
    # another school's account is not this admin's to change, nor a dataset of another school to share
    admin.post("/accounts/users", data={"username": "lead-b", "role": "teacher", "password": "x" * 10})
    assert access._users.get("lead-b").role == "leader"
    theirs = upload(clients["lead-b"], b"a,b\n1,2\n", "b.csv").json
    admin.post("/accounts/share", data={"dataset": theirs["dataset_id"], "username": "new-t"})
    assert not access._users.is_shared(theirs["dataset_id"], "new-t")
    admin.post("/accounts/share", data={"dataset": dataset, "username": "new-t"})
    assert access._users.is_shared(store.root(dataset), "new-t")
    # the AI switch: off until this admin turns it on; a form posted from another site changes nothing
    access._users.set_setting("School A", "ai", "off")
    assert admin.post("/accounts/school", data={"ai": "on", "special": ["admin", "leader"]},
                      headers={"Origin": "http://evil.example"}).status_code == 403
    assert access._users.setting("School A", "ai") == "off"
    admin.post("/accounts/school", data={"ai": "on", "special": ["admin", "leader"]})
    assert access._users.setting("School A", "ai") == "on"
    assert clients["lead-a"].get("/accounts").status_code == 403  # leaders read data; admins manage accounts


def test_another_schools_terms_answer_as_unknown_ones(world, school_csv):  # noqa: F811
    from analytics import DataError
    from backend.terms_store import TermsNotReady
    _, store, _, dataset = world
    with acting(LEADER_A):
        later = store.add(generate_school(240, seed=6).to_csv(index=False).encode(), "year7-spring.csv")
        set_id = store.link_term(dataset, later)
        assert store.term_set(dataset) == set_id and store.term_members(set_id) == [dataset, later]
    with acting(LEADER_B):
        theirs = store.add(school_csv, "ours.csv")
        assert store.term_set(dataset) is None and store.term_members(set_id) is None
        with pytest.raises(TermsNotReady):
            store.tracking(set_id, 4)
        assert "no longer on the server" in store.track_terms(set_id, 4)
        with pytest.raises(DataError):
            store.link_term(dataset, theirs)  # their term joined to another school's file


def test_the_insights_panel_says_which_engine_wrote_it_and_that_ai_is_off(world, monkeypatch):  # noqa: F811
    from callbacks.insights import ask_content, insights_content
    _, store, _, dataset = world
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-not-sent")  # the switch, not the key, keeps Gemini out
    access._users.set_setting("School A", "ai", "off")
    with acting(LEADER_A):
        _, badge, _ = insights_content(store, view(dataset), None)
        turn = ask_content(store, view(dataset), None, "Which persona has the lowest attendance?", [], None, None)[-1]
    assert turn["engine"] != "gemini" and turn["note"] == ""  # answered here, no call tried
    said = " ".join(str(getattr(part, "children", part)) for part in badge)
    assert "Written by the built-in engine" in said and ai.OFF in said and "could not be reached" not in said


def test_another_school_cannot_set_or_clear_a_datasets_reference(world):  # noqa: F811
    from callbacks.benchmarks import load
    _, store, _, dataset = world
    with acting(LEADER_A):
        load(store, ids.BENCH_EXAMPLE, None, None, dataset)
        assert store.reference(dataset) is not None
    with acting(LEADER_B):
        for trigger in (ids.BENCH_CLEAR, ids.BENCH_EXAMPLE):
            with pytest.raises(PreventUpdate):
                load(store, trigger, None, None, dataset)
    with acting(LEADER_A):
        assert store.reference(dataset) is not None
