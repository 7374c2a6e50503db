"""The class list: who needs help in each subject and why, recomputed here from the data with pandas."""
import numpy as np
import pytest
import pandas as pd
from test_mapping import mis_frame, table

from analytics.analysis import analyse
from analytics.explore.class_list import class_needs


def test_each_subject_lists_the_class_below_its_bar_furthest_below_first():
    frame = mis_frame(400)
    result = analyse(table(frame), outliers=False, choices={"subjects": [
        {"column": "Maths Mock", "name": "Maths", "scale": "percentage", "target": 50},
        {"column": "English Mock", "name": "English", "scale": "percentage"},
        {"column": "Art Grade", "name": "Art", "scale": "gcse"}]})
    keep = (frame["Form"] == "10B").to_numpy()
    needs = {n.subject: n for n in class_needs(result, keep)}
    maths = needs["Maths"]
    form = frame[keep]
    expected = form[form["Maths Mock"] < 50].sort_values("Maths Mock", kind="stable")
    assert maths.rule == "below target (50)" and maths.in_view == keep.sum()
    assert maths.rows["UPN"].tolist() == expected["UPN"].tolist()
    assert maths.rows["Student Name"].tolist() == expected["Student Name"].tolist()
    assert maths.rows["row"].tolist() == [i + 2 for i in expected.index]
    art = needs["Art"]
    grades = form["Art Grade"].map(lambda g: 0 if g == "U" else int(g))
    assert art.rule.startswith("below the pass mark (4, GCSE") and len(art.rows) == int((grades < 4).sum())
    english = needs["English"]  # a percentage with no pass mark: the cohort's lowest quarter, not the class's
    bar = np.nanquantile(frame["English Mock"], 0.25)
    assert english.bar == bar and len(english.rows) == int((form["English Mock"] < bar).sum())


def test_reasons_name_persistent_absence_homework_behaviour_and_ks2():
    frame = mis_frame(300)
    frame.loc[0, ["Attendance %", "Homework Completion %", "Behaviour Points", "KS2 Scaled Score", "Maths Mock"]] = \
        [84.5, 0, 40, 91, 0]
    frame.loc[0, ["FSM", "SEN", "EAL"]] = ["Y", "K", "N"]
    result = analyse(table(frame), outliers=False)
    maths = next(n for n in class_needs(result) if n.subject == "Maths")
    first = maths.rows.iloc[0]
    assert first["UPN"] == frame.loc[0, "UPN"]
    assert first["why"] == ("attendance 84.5% (persistent absence); homework 0% (lowest quarter); 40 behaviour "
                            "points (highest quarter); KS2 91 (below the expected standard)")
    assert first["context"] == "FSM, SEN K"


def test_a_kaggle_file_lists_the_outcome_with_no_identifiers(kaggle):
    needs = class_needs(kaggle)
    assert [n.subject for n in needs] == ["Exam score"]
    scores = kaggle.students["Exam_Score"]
    assert len(needs[0].rows) == int((scores < np.quantile(scores, 0.25)).sum())
    assert list(needs[0].rows.columns) == ["row", "mark", "progress", "why", "context"]
    scored = kaggle.progress.subjects["Exam score"] if "Exam score" in kaggle.progress.subjects else \
        next(iter(kaggle.progress.subjects.values()))
    first = needs[0].rows.iloc[0]
    assert first["progress"] == round(float(scored.progress[first["row"] - 2]), 1)
    assert isinstance(needs[0].rows, pd.DataFrame)


def test_the_print_route_lists_the_form_in_the_url(store, tmp_path):
    from callbacks.class_list import page

    frame = mis_frame(300)
    frame.loc[0, "Student Name"] = "<script>alert(1)</script>"
    frame.loc[0, ["Form", "Maths Mock"]] = ["10B", 1]
    dataset = store.add(frame.to_csv(index=False).encode(), "oak.csv")
    body, status = page(store, f"?dataset={dataset}&personas=5&form=10B", "/")
    assert status == 200 and "Who needs help: Form 10B" in body
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    form = frame[frame["Form"] == "10B"]
    bar = np.nanquantile(frame["Maths Mock"], 0.25)
    assert f"Maths: {int((form['Maths Mock'] < bar).sum()):,} of {form['Maths Mock'].notna().sum():,} with a mark" \
        in body
    missing, status = page(store, "?dataset=abc123&personas=5", "/")
    assert status == 404 and "upload the file again" in missing


def test_the_staff_list_and_heat_map_carry_progress_against_similar_prior_attainment():
    from analytics.explore.heatmap import heatmap
    from analytics.predict.staff_list import staff_list

    frame = mis_frame(400)
    result = analyse(table(frame), outliers=False)
    maths = result.progress.subjects["Maths"]
    rows = pd.DataFrame({"priority": [0.9, 0.8], "row": [2, 5], "predicted": [40.0, 41.0]})
    listed = staff_list(rows, result, "Maths")
    assert listed["progress"].tolist() == [round(float(maths.progress[0]), 1), round(float(maths.progress[3]), 1)]
    cells = heatmap(result).cells
    fsm = cells[(cells["key"] == "fsm") & (cells["value"] == "Y") & (cells["measure"] == "Maths")].iloc[0]
    yes = (frame["FSM"] == "Y").to_numpy() & ~np.isnan(maths.progress_sd)
    assert fsm["progress"] == pytest.approx(maths.progress_sd[yes].mean())


def test_the_outcome_staff_list_of_a_school_file_has_progress_but_no_subject_columns():
    from analytics.predict.staff_list import staff_list

    result = analyse(table(mis_frame(300)), outliers=False)
    rows = pd.DataFrame({"priority": [0.9], "row": [2], "predicted": [90.0], "chance_below": [0.8]})
    listed = staff_list(rows, result)
    assert "progress" in listed and "mark" not in listed and "target" not in listed
    assert listed["UPN"].tolist() == [result.students["UPN"].iloc[0]]
