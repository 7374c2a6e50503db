"""What leaves the server about an MIS export: never a pupil's name or UPN; and the insights describe the groups
a school is judged on (FSM, SEN, EAL) with figures recomputed here."""
import json

import numpy as np
from test_mapping import mis_frame, table

from analytics.analysis import analyse
from analytics.insights.ask_gemini import schema_text
from analytics.insights.facts import view_facts
from analytics.insights.gemini import prompt
from analytics.insights.offline import write


def test_a_small_class_never_sends_names_or_upns_to_the_ai_provider():
    frame = mis_frame(20)
    result = analyse(table(frame), outliers=False)
    sent = schema_text(result) + prompt(view_facts(result, min_group=1))
    for value in list(frame["Student Name"]) + list(frame["UPN"]):
        assert value not in sent
    assert "Student Name" not in json.loads(schema_text(result))["grouping_columns"]


def test_offline_insights_give_the_disadvantage_gap_with_its_interval():
    frame = mis_frame(600)
    result = analyse(table(frame), outliers=False)
    facts = view_facts(result)
    outcome = result.students[result.exam_column]
    fsm = frame["FSM"] == "Y"
    gap = next(g for g in facts.gaps if g.by == "FSM")
    higher, lower = (outcome[fsm], outcome[~fsm]) if outcome[fsm].mean() > outcome[~fsm].mean() else \
        (outcome[~fsm], outcome[fsm])
    assert gap.difference == round(higher.mean() - lower.mean(), 2)
    assert {gap.a, gap.b} == {"FSM", "not FSM"} and gap.n_a + gap.n_b == len(frame)
    lines = write(facts)["school_insights"]
    assert any(f"{gap.difference:.1f}" in line and "FSM" in line for line in lines)
    sizes = next(line for line in lines if "SEN support (K)" in line)
    assert f"SEN support (K): {int((frame['SEN'] == 'K').sum()):,} students" in sizes
    assert any("Year 7" in line for line in lines)
    assert not any("school type column" in line for line in lines)


def test_the_kaggle_file_keeps_its_school_type_insights(kaggle):
    lines = write(view_facts(kaggle))["school_insights"]
    assert "Public" in lines[0] and "Private" in lines[0]
    assert np.isfinite(kaggle.students["Exam_Score"]).all()
