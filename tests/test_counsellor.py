"""The counsellor's view of one student: built-in words from the student's standings (percentiles recomputed
here with pandas), Gemini through the real SDK against the fake server with nothing but standings in the
request (no name, no id, no cell of the row), the fallback when Gemini fails, and the panel naming its engine."""
import json

import numpy as np
import pytest
from fake_gemini import text_reply
from test_predict_callbacks import words

from analytics.ingest.school import generate_school
from analytics.insights import counsellor
from analytics.predict.change import smallest_change
from callbacks.counsellor import counsel_content
from components import ids

KEY = "test-key-not-real-0123456789"
REPLY = {"profile": ["In the **A** persona."], "strengths": ["Homework is strong."], "risks": ["Attendance is low."],
         "smallest_change": ["A little more homework."]}


@pytest.fixture(scope="module")
def school(store):
    frame = generate_school(600, 11)
    dataset_id = store.add(frame.to_csv(index=False).encode(), "school.csv")
    store.run_jobs(dataset_id, 5)
    return {"dataset_id": dataset_id, "personas": 5}, frame, store.analysis(dataset_id, 5)


def at_risk_row(store, view) -> tuple[int, float]:
    """(row, pass mark) of the first student flagged below the pass mark whose predicted score is below it too:
    one a change would lift (the pass/fail classifier may flag a student the regression puts just above it)."""
    from analytics.predict.risk import score_cohort

    ctx = store.whatif(view["dataset_id"])
    scores = score_cohort(ctx.risk, store.analysis(view["dataset_id"], 5), None, predicted=ctx.predicted)
    below = scores.at_risk & (scores.predicted < ctx.risk.threshold(scores.pass_mark))
    return int(np.flatnonzero(below)[0]), scores.pass_mark


def percentile(analysis, theme: str, row: int) -> int:
    x = analysis.students["z_" + theme]
    mine = x.iloc[row]
    return int(min(max(round(100 * ((x < mine).mean() + 0.5 * (x == mine).mean())), 1), 99))


def test_built_in_view_rests_on_the_students_standings(store, school):
    view, frame, analysis = school
    row, mark = at_risk_row(store, view)
    panel = words(counsel_content(store, view, row, key=""))
    assert "Written by the built-in engine" in panel
    assert analysis.students["Persona"].astype(str).iloc[row] in panel
    found = counsellor.standings(analysis, row)
    for label, p in found.percentiles.items():
        theme = next(t for t in analysis.themes if counsellor.THEME_LABELS[t] == label)
        assert p == percentile(analysis, theme, row)
        if p <= counsellor.LOW:
            assert f"{label.capitalize()}: {p}th percentile, in the bottom quarter" in panel
    ctx = store.whatif(view["dataset_id"])
    best = smallest_change(ctx.risk, ctx.X[row], float(ctx.predicted[row]), mark, ctx.levers)
    assert (f"would lift the prediction to {round(best['predicted'], 1):g}." if best else
            "No change within the ranges seen in this cohort reaches the pass mark.") in panel
    assert frame["Student Name"].iloc[row] not in panel and frame["UPN"].iloc[row] not in panel


def test_gemini_gets_standings_only_and_the_panel_says_so(store, school, fake, monkeypatch):
    view, frame, analysis = school
    row, _ = at_risk_row(store, view)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    fake.reply(text_reply(json.dumps(REPLY)))
    panel = words(counsel_content(store, view, row, key=KEY))
    assert "Written by Gemini from the student's standings only" in panel and "A little more homework." in panel
    (request,) = fake.requests
    body = request["body"]
    record = frame.iloc[row]
    assert record["Student Name"] not in body and record["UPN"] not in body
    assert not any(name in body for name in frame["Student Name"]) and not any(upn in body for upn in frame["UPN"])
    sent = json.loads(body)
    text = " ".join(p.get("text", "") for c in sent["contents"] for p in c["parts"])
    standings = json.loads(text.split("(JSON):\n", 1)[1].rsplit("\nWrite", 1)[0])
    assert set(standings) == set(counsellor.Standings.__dataclass_fields__)
    # no cell of the row: standings are percentiles, names of groups and flags, and amounts of change (never
    # "from 88 to 94", which would carry the student's own value)
    assert all(isinstance(p, int) and 1 <= p <= 99 for p in standings["percentiles"].values())
    assert "→" not in body and standings["persona"] == analysis.students["Persona"].astype(str).iloc[row]


def test_when_gemini_fails_the_built_in_engine_writes_it_and_says_why(store, school, fake, monkeypatch):
    view, _, _ = school
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    fake.error(400, "bad request")
    panel = words(counsel_content(store, view, at_risk_row(store, view)[0], key=KEY))
    assert "Written by the built-in engine" in panel and "Gemini refused the request (400)" in panel


def test_without_a_key_the_switch_chooses_the_built_in_engine(store, school, fake, monkeypatch):
    view, _, _ = school
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    panel = words(counsel_content(store, view, 3))
    assert "Written by the built-in engine" in panel and fake.requests == []


def test_the_profile_card_holds_the_counsellors_button():
    from components.profile import profile_panel

    def ids_in(node):
        children = getattr(node, "children", None)
        children = children if isinstance(children, (list, tuple)) else [children] if children is not None else []
        return [getattr(node, "id", None)] + [i for c in children if not isinstance(c, str) for i in ids_in(c)]

    assert {ids.COUNSEL_BUTTON, ids.COUNSEL_BODY} <= set(ids_in(profile_panel()))
