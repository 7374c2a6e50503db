"""Terms over time (`track`): one cohort's exports linked by UPN, the first term's personas applied to later
terms without refitting, joiners and leavers, subject means and changes, all recomputed here with pandas."""
import contextlib
import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

import analytics.__main__ as command
from analytics.analysis import analyse
from analytics.errors import DataError
from analytics.ingest.read import read_bytes
from analytics.ingest.school import generate_school
from analytics.ingest.terms_gen import generate_terms
from analytics.track import track

MOCKS = {"Maths": "Maths Mock", "English": "English Mock", "Science": "Science Mock"}
GRADE_POINTS = {"U": 0, **{str(g): g for g in range(1, 10)}}


def table(frame: pd.DataFrame, name: str):
    return read_bytes(frame.to_csv(index=False).encode(), name)


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = command.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def terms():
    return generate_terms(1500, 3, seed=5)


@pytest.fixture(scope="module")
def tracked(terms):
    return track([table(f, f"term{i}.csv") for i, f in enumerate(terms, 1)])


def test_generated_terms_follow_one_cohort(terms):
    first, second, third = terms
    assert first.equals(generate_school(1500, seed=5))  # term 1 is the one-term demo school, unchanged
    assert all(list(f.columns) == list(first.columns) and f["UPN"].is_unique for f in terms)
    assert all(a.equals(b) for a, b in zip(terms, generate_terms(1500, 3, seed=5)))  # seeded
    stay = first.merge(third, on="UPN", suffixes=("", " 3"))
    for column in ("Student Name", "Gender", "FSM", "SEN", "EAL", "Form", "Teacher"):
        assert (stay[column] == stay[column + " 3"]).all(), column
    assert (stay["KS2 Scaled Score"].fillna(-1) == stay["KS2 Scaled Score 3"].fillna(-1)).all()
    # a few leave and a few join each term, never reusing a UPN
    assert 0 < (~first["UPN"].isin(second["UPN"])).sum() < 0.05 * len(first)
    assert 0 < (~third["UPN"].isin(pd.concat([first, second])["UPN"])).sum() < 0.05 * len(first)
    # mocks move with each pupil's own trend: who rose from term 1 to 2 tends to rise again from 2 to 3
    both = first.merge(second, on="UPN", suffixes=("", " 2")).merge(third, on="UPN", suffixes=("", " 3"))
    maths = both[["Maths Mock", "Maths Mock 2", "Maths Mock 3"]].astype(float).dropna()
    first_step, second_step = maths.iloc[:, 1] - maths.iloc[:, 0], maths.iloc[:, 2] - maths.iloc[:, 1]
    assert first_step.corr(second_step) > 0.3
    assert (first_step > 3).sum() > 100 and (first_step < -3).sum() > 100  # some improve, some decline
    for column in ("Attendance %", "Homework Completion %"):
        drift = both[column + " 2"].astype(float) - both[column].astype(float)
        assert 0 < drift.abs().mean() < 10, column


def test_joined_left_and_linked_recomputed_with_pandas(terms, tracked):
    ids = [set(f["UPN"]) for f in terms]
    assert len(tracked.linked) == len(ids[0] & ids[1] & ids[2])
    assert set(tracked.joined) == (ids[1] | ids[2]) - ids[0]
    assert set(tracked.left) == (ids[0] | ids[1]) - ids[2]
    assert tracked.joined and tracked.left and not tracked.duplicates
    assert [t["rows"] for t in tracked.to_dict()["terms"]] == [len(f) for f in terms]


def test_subject_means_and_changes_recomputed_with_pandas(terms, tracked):
    for subject, column in MOCKS.items():
        assert tracked.subjects[subject] == pytest.approx([f[column].astype(float).mean() for f in terms], abs=1e-3)
    assert tracked.subjects["Art"] == pytest.approx([f["Art Grade"].map(GRADE_POINTS).mean() for f in terms],
                                                    abs=1e-3)
    pair = terms[0].merge(terms[1], on="UPN", suffixes=(" 1", " 2"))
    change = (pair["Maths Mock 2"].astype(float) - pair["Maths Mock 1"].astype(float)).dropna()
    summary = tracked.changes["Maths"][0]
    assert summary["students"] == len(change) and summary["mean_change"] == pytest.approx(change.mean(), abs=1e-3)
    assert (summary["improved"], summary["declined"]) == ((change > 0).sum(), (change < 0).sum())
    # each linked student's own change
    mine = (tracked.table["Maths T2"] - tracked.table["Maths T1"]).dropna()
    assert mine.sort_index().to_dict() == pytest.approx(change.set_axis(pair.loc[change.index, "UPN"]).sort_index()
                                                        .to_dict())


def test_moves_count_each_linked_student_once(tracked):
    personas = [a.students.set_index(a.students["UPN"])["Persona"].astype(str) for a in tracked.analyses]
    for step, moves in enumerate(tracked.moves):
        pair = pd.concat([personas[step], personas[step + 1]], axis=1, join="inner", keys=["a", "b"])
        expected = pair.groupby(["a", "b"]).size()
        assert {(m["from"], m["to"]): m["count"] for m in moves} == expected.to_dict()
    sizes = [[p["size"] for p in term["personas"]] for term in tracked.to_dict()["terms"]]
    assert sizes == [a.students["Persona"].value_counts().reindex([p.name for p in a.personas]).tolist()
                     for a in tracked.analyses]
    names = [[p.name for p in a.personas] for a in tracked.analyses]
    assert names[0] == names[1] == names[2]  # later terms are placed on the first term's personas


def test_the_first_term_placed_on_its_own_model_keeps_every_persona(terms):
    first = analyse(table(terms[0], "term1.csv"), outliers=False)
    again = analyse(table(terms[0], "term1.csv"), outliers=False, persona_model=first.persona_model)
    assert (first.students["persona_id"] == again.students["persona_id"]).all()


def test_known_movers_move_and_unchanged_students_keep_their_persona():
    """Term 2 is term 1 with five pupils' records turned round and the cohort around them shifted: the five
    move, and every pupil whose entries did not change (blanks included) keeps their persona."""
    one = generate_school(1200, seed=8)
    first = analyse(table(one, "t1.csv"), outliers=False)
    top = first.students.loc[first.students["persona_id"] == 0, "UPN"].head(5)
    two = one.copy()
    movers = two["UPN"].isin(top)
    two.loc[movers, ["Attendance %", "Homework Completion %", "Behaviour Points"]] = [70.0, 5, 60]
    shifted = two.index[~movers][::3]  # a third of the others change too, so the term's means and SDs move
    two.loc[shifted, "Homework Completion %"] = (two.loc[shifted, "Homework Completion %"] - 30).clip(lower=0)
    two.loc[shifted, "Behaviour Points"] += 6
    two.loc[shifted, "Attendance %"] = (two.loc[shifted, "Attendance %"] - 8).clip(lower=60)  # the median falls
    blank = two.index[~movers & ~two.index.isin(shifted)][::4]  # blank in both terms: counts the same
    one.loc[blank, "Attendance %"] = np.nan
    two.loc[blank, "Attendance %"] = np.nan
    tracked = track([table(one, "t1.csv"), table(two, "t2.csv")])
    personas = tracked.table[["Persona T1", "Persona T2"]]
    moved = set(personas.index[personas["Persona T1"] != personas["Persona T2"]])
    unchanged = set(two.loc[~movers & ~two.index.isin(shifted), "UPN"])
    assert set(top) <= moved and not moved & unchanged
    assert tracked.table.loc[list(top), "Persona T2"].str.contains("Behaviour|absent|Homework missed").all()


def test_duplicate_ids_are_named_and_left_out_of_linking(terms):
    second = terms[1].copy()
    twice = second["UPN"].iloc[10]
    second.loc[20, "UPN"] = twice
    lost = terms[1]["UPN"].iloc[20]
    tracked = track([table(terms[0], "term1.csv"), table(second, "term2.csv")])
    assert tracked.duplicates == [twice]
    note = next(w for w in tracked.warnings if "more than one row" in w)
    assert "term2.csv" in note and f"'{twice}' (rows 12, 22)" in note and "left out of linking" in note
    assert twice not in tracked.linked + tracked.joined + tracked.left and twice not in tracked.table.index
    assert sum(m["count"] for m in tracked.moves[0]) == len(tracked.linked)
    if lost in set(terms[0]["UPN"]):  # the row whose UPN was overwritten no longer links: it left
        assert lost in tracked.left


def test_a_subject_on_another_scale_is_not_compared(terms):
    second = terms[1].copy()
    second["Maths Mock"] = (second["Maths Mock"].astype(float) // 11 + 1).clip(1, 9).astype("Int64")  # GCSE 1-9
    tracked = track([table(terms[0], "term1.csv"), table(second, "term2.csv")])
    assert "Maths" not in tracked.subjects and set(tracked.subjects) == {"English", "Science", "Art"}
    reason = tracked.refused["Maths"]
    assert "percentage" in reason and "GCSE" in reason and "term2.csv" in reason


def test_a_later_term_missing_a_persona_column_is_refused(terms):
    with pytest.raises(DataError, match="term2.csv.*Homework"):
        track([table(terms[0], "term1.csv"), table(terms[1].drop(columns="Homework Completion %"), "term2.csv")])


@pytest.fixture(scope="module")
def term_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("terms")
    code, _, err = run("generate", "--school", "--terms", "3", "--rows", "800", "--out", folder)
    assert code == 0, err
    return folder


def test_generate_terms_and_track_json(term_files):
    files = [term_files / f"term{i}.csv" for i in (1, 2, 3)]
    frames = [pd.read_csv(f) for f in files]
    assert all(f.equals(g) for f, g in zip(frames, [pd.read_csv(io.StringIO(t.to_csv(index=False)))
                                                     for t in generate_terms(800, 3)]))
    code, out, err = run("track", *files, "--json", "--students", term_files / "students.csv")
    assert code == 0, err
    doc = json.loads(out)
    assert {"terms", "linked", "joined", "left", "moves", "subjects"} <= set(doc)
    assert [t["file"] for t in doc["terms"]] == ["term1.csv", "term2.csv", "term3.csv"]
    assert all({"name", "size"} == set(p) for t in doc["terms"] for p in t["personas"])
    assert len(doc["moves"]) == 2 and all({"from", "to", "count"} == set(m) for m in doc["moves"][0])
    ids = [set(f["UPN"]) for f in frames]
    assert doc["linked"] == len(ids[0] & ids[1] & ids[2])
    assert doc["joined"]["count"] == len((ids[1] | ids[2]) - ids[0])
    assert doc["subjects"]["English"] == pytest.approx([f["English Mock"].mean() for f in frames], abs=1e-3)
    students = pd.read_csv(term_files / "students.csv")
    assert len(students) == len(ids[0] | ids[1] | ids[2]) and "Persona T3" in students


def test_track_text_output_and_errors(term_files, tmp_path):
    t1, t2 = term_files / "term1.csv", term_files / "term2.csv"
    code, out, _ = run("track", t1, t2)
    assert code == 0 and "linked by UPN" in out and "changed persona" in out
    other = pd.read_csv(t2)
    other["UPN"] = "X" + other["UPN"].str[1:] + "0"
    other.to_csv(tmp_path / "other.csv", index=False)
    cases = [(("track", t1), "at least two terms"), (("track", t1, t2, "--id", "Candidate"), "no column 'Candidate'"),
             (("track", t1, tmp_path / "other.csv"), "no student id in common"),
             (("track", t1, tmp_path / "missing.csv"), "missing.csv"),
             (("generate", "--terms", "2", "--out", tmp_path), "needs --school")]
    for args, message in cases:
        code, out, err = run(*args)
        assert code == 2 and message in err and err.count("\n") == 1 and not out, args
    frame = pd.read_csv(t1).drop(columns="UPN")
    frame.to_csv(tmp_path / "noid.csv", index=False)
    code, _, err = run("track", tmp_path / "noid.csv", t2)
    assert code == 2 and "--id COLUMN" in err


def test_track_exit_status_in_a_real_process(term_files):
    done = subprocess.run([sys.executable, "-m", "analytics", "track", str(term_files / "term1.csv")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("error:") and done.stderr.count("\n") == 1


def test_a_later_term_with_another_header_layout_is_read_with_its_own_choices(terms):
    renamed = terms[1].rename(columns={"Maths Mock": "Mathematics (mock %)", "UPN": "Pupil UPN"})
    first = {"subjects": [{"column": "Maths Mock", "name": "Maths"}]}
    own = {"roles": {"student_id": "Pupil UPN"}, "subjects": [{"column": "Mathematics (mock %)", "name": "Maths"}]}
    with pytest.raises(DataError, match="Maths Mock"):  # the first term's choices do not fit the new header
        track([table(terms[0], "term1.csv"), table(renamed, "term2.csv")], choices=first)
    tracked = track([table(terms[0], "term1.csv"), table(renamed, "term2.csv")], choices=[first, own])
    both = terms[0].merge(terms[1], on="UPN", suffixes=("", " 2"))
    assert len(tracked.linked) == len(both)
    assert tracked.subjects["Maths"][1] == pytest.approx(terms[1]["Maths Mock"].astype(float).mean())
