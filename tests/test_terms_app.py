"""Terms and benchmarks in the app, without a browser: a later term added to the dataset in view, the Sankey, joined
and left, subjects across terms, a Sankey click as a filter, the profile line and the reference. Every number is
recomputed here with pandas from the generated terms' files."""
import base64
import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.explore import filters as flt
from analytics.ingest.terms_gen import generate_terms
from analytics.results import PERSONA
from callbacks import benchmarks as cb
from callbacks import terms as ct
from callbacks.clicks import clicked
from callbacks.context import request
from callbacks.filters import sync, unchanged
from components import ids

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "reference-england-ks4.csv"
ROWS = 400


def contents(frame: pd.DataFrame) -> str:
    return "data:text/csv;base64," + base64.b64encode(frame.to_csv(index=False).encode()).decode()


@pytest.fixture(scope="module")
def frames():
    return generate_terms(ROWS, 3, seed=5)


@pytest.fixture(scope="module")
def linked(store, frames):
    """The first term uploaded as usual, then terms 2 and 3 added with "Add a term"; the job run here."""
    first = store.add(frames[0].to_csv(index=False).encode(), "autumn.csv")
    view = {"dataset_id": first, "personas": 4}
    state = None
    for frame, name in zip(frames[1:], ("spring.csv", "summer.csv")):
        status, state, start = ct.add_term(store, contents(frame), name, view)
        assert "Added" in str(status) and start == state  # not linked yet: the job is started
    assert "term 3 of 3" in str(status)
    store.track_terms(state["set"], 4)
    assert ct.start(store, state) is not state  # linked now: no second job
    return view, state


def persona_by_upn(store, state, k: int) -> pd.Series:
    """Term k's personas by UPN, from that term's analysis and its file's UPN column (not the tracking table)."""
    analysis = store.tracking(state["set"], 4).analyses[k]
    return pd.Series(analysis.students[PERSONA].astype(str).to_numpy(), index=analysis.students["UPN"].to_numpy())


def test_a_later_term_links_to_the_dataset_in_view_and_the_view_finds_its_set(store, linked, frames):
    view, state = linked
    assert ct.set_state(store, view) == state
    assert [store.filename(m) for m in store.term_members(state["set"])] == ["autumn.csv", "spring.csv", "summer.csv"]
    for member in store.term_members(state["set"]):  # whichever term the dashboard shows finds the set
        assert store.term_set(member) == state["set"]
    status, _, _ = ct.add_term(store, contents(frames[1]), "spring again.csv", view)
    assert "already one of this dataset's terms" in str(status)


def test_joined_and_left_are_counted_and_listed(store, linked, frames):
    view, state = linked
    upns = [set(f["UPN"]) for f in frames]
    everyone = upns[0] | upns[1] | upns[2]
    joined, left = everyone - upns[0], everyone - upns[2]
    assert joined and left
    summary, movers, subjects, subject, groups = ct.summary(store, state)
    text = str(summary)
    assert f"'{len(upns[0] & upns[1] & upns[2]):,}'" in text.replace('"', "'")
    assert f"'{len(joined):,}'" in text.replace('"', "'") and f"'{len(left):,}'" in text.replace('"', "'")
    listed = str(movers)
    assert f"Joined: {len(joined):,} students" in listed and f"Left: {len(left):,} students" in listed
    assert all(upn in listed for upn in joined | left)
    assert subject == "Maths" and {"value": "fsm", "label": "Disadvantaged (FSM)"} in groups


def test_sankey_link_counts_are_the_students_who_moved(store, linked):
    view, state = linked
    fig, caption = ct.sankey(store, state, view, {})
    link = fig["data"][0]["link"]
    counted = dict(zip(link["customdata"], link["value"]))
    for step in (0, 1):
        pair = pd.concat([persona_by_upn(store, state, step), persona_by_upn(store, state, step + 1)],
                         axis=1, join="inner")
        expected = pair.groupby([0, 1]).size()
        for (a, b), n in expected.items():
            assert counted[f"{step + 1}:{a}>{b}"] == n
        moved = int((pair[0] != pair[1]).sum())
        assert f"T{step + 1} → T{step + 2}: {moved:,} of {len(pair):,}" in str(caption)
    # the same moves, as the table a screen reader reads in place of the drawing
    table = caption[1]
    rows = [[cell.children for cell in row.children] for row in table.children[2].children]
    assert {(r[0], r[1], r[2]): r[3] for r in rows} == {
        (f"T{int(k.split(':')[0])} → T{int(k.split(':')[0]) + 1}", *k.split(":", 1)[1].split(">")): f"{n:,}"
        for k, n in counted.items()}


def test_clicking_a_link_filters_the_dashboard_to_the_students_who_made_that_move(store, linked):
    view, state = linked
    fig, _ = ct.sankey(store, state, view, {})
    link = fig["data"][0]["link"]
    i = max((j for j, key in enumerate(link["customdata"]) if key.split(":")[1].split(">")[0] !=
             key.split(">")[1]), key=lambda j: link["value"][j])  # the largest real move
    move = link["customdata"][i]
    analysis = store.analysis(view["dataset_id"], 4)
    after = clicked({}, ids.TERMS_SANKEY, {"points": [{"customdata": move}]}, analysis)
    assert after == {"move": move}
    out = sync(store, ids.TERMS_SANKEY, "", view["dataset_id"], 4, None, {}, {}, None,
               {ids.TERMS_SANKEY: {"points": [{"customdata": move}]}})
    assert out["filters"] == {"move": move} and "move=" in out["search"]
    assert dict(flt.chips(out["filters"]))["move"].startswith("Persona move: T")
    step, a, b = flt.parse_move(move)
    pair = pd.concat([persona_by_upn(store, state, step - 1), persona_by_upn(store, state, step)], axis=1,
                     join="inner")
    movers = set(pair.index[(pair[0] == a) & (pair[1] == b)])
    req = request(store, view, filters=out["filters"])
    shown = set(analysis.students["UPN"].to_numpy()[req.mask])
    assert shown == movers & set(analysis.students["UPN"]) and len(shown) == link["value"][i]
    # the Sankey keeps every link, the clicked one stands out; the same click again clears the filter
    fig, _ = ct.sankey(store, state, view, out["filters"])
    colours = fig["data"][0]["link"]["color"]
    assert colours[i].endswith(",0.55)") and all(c.endswith(",0.08)") for j, c in enumerate(colours) if j != i)
    assert clicked(out["filters"], ids.TERMS_SANKEY, {"points": [{"customdata": move}]}, analysis) == {}
    assert unchanged()["filters"] is not None  # the schema sync returns is the view-state callback's


def test_subject_means_per_term_and_group_with_intervals(store, linked, frames):
    view, state = linked
    fig, _ = ct.subjects_chart(store, state, view, {}, "Maths", "fsm", "mean")
    traces = {t["name"]: t for t in fig["data"]}
    for group in ("Y", "N"):
        expected = [f.loc[f["FSM"] == group, "Maths Mock"].astype(float).mean() for f in frames]
        assert traces[group]["y"] == pytest.approx(expected, abs=1e-3)
        marks = frames[0].loc[frames[0]["FSM"] == group, "Maths Mock"].dropna().astype(float)
        half = 1.96 * marks.std() / np.sqrt(len(marks))
        assert traces[group]["error_y"]["array"][0] == pytest.approx(half, rel=0.02)
        assert traces[group]["customdata"][0] == ["fsm", group]  # a click filters to that group


def test_subjects_chart_follows_the_filters_by_student_id(store, linked, frames):
    view, state = linked
    fig, note = ct.subjects_chart(store, state, view, {"gender": ["F"]}, "English", "all", "below")
    first = frames[0]
    girls = set(first.loc[first["Gender"] == "F", "UPN"])
    mark = float(np.nanmedian(first["English Mock"].astype(float)))
    expected = []
    for frame in frames:
        marks = frame.loc[frame["UPN"].isin(girls), "English Mock"].dropna().astype(float)
        expected.append(100 * (marks < mark).mean())
    assert fig["data"][0]["y"] == pytest.approx(expected, abs=1e-3)
    assert f"At risk = below {mark:g}" in str(note)


def test_a_student_whose_data_did_not_change_keeps_their_persona(store, frames):
    first = frames[0].head(300)  # a file of its own: the full first term is already linked into the demo set
    second = first.copy()
    changed = second.index[:40]
    second.loc[changed, "Attendance %"] = 62.0  # these students' attendance collapses; no one else changes
    second.loc[changed, "Behaviour Points"] = 40
    a = store.add(first.to_csv(index=False).encode(), "same-autumn.csv")
    b = store.add(second.to_csv(index=False).encode(), "same-spring.csv")
    set_id = store.link_term(a, b)
    tracking = store.track_terms(set_id, 5)
    table = tracking.table
    same = table.drop(index=first.loc[changed, "UPN"])
    assert (same["Persona T1"].astype(str) == same["Persona T2"].astype(str)).all()
    moved = table.loc[first.loc[changed, "UPN"]]
    assert (moved["Persona T1"].astype(str) != moved["Persona T2"].astype(str)).any()


def test_the_profile_card_shows_the_students_line_across_terms(store, linked, frames):
    view, state = linked
    row = 3
    upn = frames[0]["UPN"].iloc[row]
    block = ct.profile_line(store, row, view)
    graph = block.children[2]
    maths = next(t for t in graph.figure["data"] if t["name"] == "Maths")
    expected = [f.set_index("UPN")["Maths Mock"].astype(float).get(upn, np.nan) for f in frames]
    assert [np.nan if v is None else v for v in maths["y"]] == pytest.approx(expected, nan_ok=True)
    assert "T1: " in str(block.children[1])
    assert ct.profile_line(store, None, view) is None


def test_a_dataset_without_terms_says_how_to_add_one(store, frames):
    alone = store.add(frames[0].head(120).to_csv(index=False).encode(), "alone.csv")
    state = ct.set_state(store, {"dataset_id": alone, "personas": 4})
    assert state["set"] is None
    assert "Add a term" in str(ct.summary(store, state)[0])


def test_terms_with_no_common_ids_say_so(store, frames):
    other = frames[1].copy()
    other["UPN"] = "X" + other["UPN"].astype(str)
    a = store.add(frames[0].head(150).to_csv(index=False).encode(), "a.csv")
    b = store.add(other.to_csv(index=False).encode(), "b.csv")
    set_id = store.link_term(a, b)
    store.track_terms(set_id, 4)
    message = str(ct.summary(store, {"dataset_id": a, "set": set_id, "personas": 4})[0])
    assert "could not be linked" in message and "no student id in common" in message


def test_example_reference_cites_a_source_and_year_on_every_row():
    with open(EXAMPLE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        assert row["year"].strip() and row["year"] in row["source"]  # the publication's own year
        assert "DfE" in row["source"] and "https://explore-education-statistics.service.gov.uk/" in row["source"]


def test_the_example_reference_loads_with_one_click_and_compares_attendance(store, linked, frames):
    view, _ = linked
    status, loaded = cb.load(store, ids.BENCH_EXAMPLE, None, None, view["dataset_id"])
    assert "16 figures" in str(status) and loaded["dataset_id"] == view["dataset_id"]
    status, chart, gaps, table, skipped = cb.panels(store, view)
    assert "1 figure(s) compared, 15 not" in str(status)
    rows = table.children.children[1].children
    assert len(rows) == 1
    cells = [str(c.children) for c in rows[0].children]
    absence = 100 - frames[0]["Attendance %"].astype(float).mean()
    assert cells[:4] == ["Attendance", "absence rate %", "all", "2022/23"]
    assert cells[4] == f"{absence:.1f}%" and cells[6] == f"{len(frames[0]):,}"
    terms = [f"{100 - f['Attendance %'].astype(float).mean():.1f}%" for f in frames]
    assert cells[7:10] == terms  # the school in each of its terms
    assert cells[10] == "7.4%" and cells[11] == f"{absence - 7.4:+.1f} pts"
    assert "subject 'Attainment 8' is not in this file" in str(skipped)


def test_a_reference_with_unknown_subjects_and_groups_names_them(store, linked, frames):
    view, _ = linked
    text = ("subject,measure,group,year,value,n,source\n"
            "Maths,mean,all,2024,50,,made up for a test\n"
            "Latin,mean,all,2024,50,,made up for a test\n"
            "Maths,mean,left-handed,2024,50,,made up for a test\n"
            "Maths,mean,disadvantaged,2024,45,,made up\nMaths,mean,not disadvantaged,2024,55,,made up\n")
    raw = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    status, _ = cb.load(store, ids.BENCH_UPLOAD, raw, "mine.csv", view["dataset_id"])
    assert "5 figures" in str(status)
    status, chart, gaps, table, skipped = cb.panels(store, view)
    assert "subject 'Latin' is not in this file" in str(skipped)
    assert "group 'left-handed' is not one this app knows" in str(skipped)
    first = frames[0]
    maths = first["Maths Mock"].astype(float)
    assert f"{maths.mean():.1f}" in str(table)
    gap = maths[first["FSM"] == "Y"].mean() - maths[first["FSM"] == "N"].mean()
    assert f"{gap:+.1f}" in str(gaps) and "-10.0" in str(gaps)
    # the over-time chart draws the reference as a band on the school's terms
    _, state = linked
    fig, _ = ct.subjects_chart(store, state, view, {}, "Maths", "all", "mean")
    assert any(t["name"] == "Reference: all, 2024" and t["y"] == [50, 50, 50] for t in fig["data"])


def test_a_bad_reference_is_a_message_not_a_traceback(store, linked):
    view, _ = linked
    raw = "data:text/csv;base64," + base64.b64encode(b"subject,year\nMaths,2024\n").decode()
    status, loaded = cb.load(store, ids.BENCH_UPLOAD, raw, "wrong.csv", view["dataset_id"])
    assert "missing column group, value" in str(status) and "wrong.csv" in str(status)
    assert loaded is not None and not isinstance(loaded, dict)  # no_update: the loaded reference stays
    status, *_ = cb.load(store, ids.BENCH_CLEAR, None, None, view["dataset_id"])
    assert "No reference loaded" in str(cb.panels(store, view)[0])


def test_a_click_on_an_over_time_point_filters_to_that_group(store, linked):
    view, state = linked
    fig, _ = ct.subjects_chart(store, state, view, {}, "Maths", "fsm", "mean")
    point = {"points": [{"customdata": fig["data"][0]["customdata"][1]}]}
    analysis = store.analysis(view["dataset_id"], 4)
    group = fig["data"][0]["name"]
    assert clicked({}, ids.OVER_TIME_CHART, point, analysis) == {"fsm": [group]}
    # the chart keeps every group of its own dimension, the clicked one in front
    fig, _ = ct.subjects_chart(store, state, view, {"fsm": [group]}, "Maths", "fsm", "mean")
    faded = {t["name"]: t["line"]["color"].startswith("rgba") for t in fig["data"]}
    assert faded == {name: name != group for name in faded} and len(faded) == 2


def test_the_school_demo_opens_with_three_linked_terms(app_module, cache_dir, monkeypatch):
    from backend.store import DatasetStore

    monkeypatch.setenv("COHORT_ATLAS_DEMO", "school")
    demo = DatasetStore(cache_dir)
    first = app_module.add_default(demo, None)
    members = demo.term_members(demo.term_set(first))
    assert [demo.filename(m) for m in members] == list(app_module.TERM_NAMES) and members[0] == first
    frames = generate_terms(app_module.SCHOOL_ROWS, 3, seed=app_module.SCHOOL_SEED)
    tracking = demo.track_terms(demo.term_set(first), 5)
    assert [a.rows for a in tracking.analyses] == [len(f) for f in frames]
    assert len(tracking.joined) == len((set(frames[1]["UPN"]) | set(frames[2]["UPN"])) - set(frames[0]["UPN"]))
    monkeypatch.setenv("COHORT_ATLAS_DEMO", "cohort")  # the browser tests' demo stays one file
    assert demo.term_set(app_module.add_default(demo, None)) is None


def test_a_move_filter_lives_in_the_address_and_bad_ones_are_dropped():
    move = "1:Strong track record, homework done>Often absent, homework missed"
    search = flt.to_query("abc123", 5, {"move": move})
    assert flt.from_query(search) == ("abc123", 5, {"move": move})
    for bad in ("1:A", "0:A>B", "x:A>B", ":A>B", "1:>B", ["1:A>B"]):
        assert flt.parse_move(bad)[0] is None
    assert flt.from_query("?dataset=abc123&move=1:A") == ("abc123", None, {})
