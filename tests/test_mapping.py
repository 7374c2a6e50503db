"""Column mapping of a school's MIS export: roles, subjects and scales, identifiers, and a person's choices."""
import json

import numpy as np
import pandas as pd
import pytest

from analytics.analysis import analyse
from analytics.errors import DataError
from analytics.ingest.mapping import apply_choices, detect, layout_key
from analytics.ingest.read import Table, read_path
from analytics.ingest.scales import parse_scale, to_points
from analytics.ingest.subjects import COMBINED
from analytics.predict.features import fit_spec


def mis_frame(n: int = 300, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ks2 = np.clip(np.round(rng.normal(104, 6, n)), 80, 120)
    maths = np.clip(np.round((ks2 - 104) * 3 + 55 + rng.normal(0, 10, n)), 0, 100)
    return pd.DataFrame({
        "UPN": [f"A{100000000000 + i}" for i in range(n)], "Student Name": [f"Pupil {i}" for i in range(n)],
        "Year Group": rng.integers(7, 12, n), "Form": rng.choice(["10A", "10B", "11A"], n),
        "Teacher": rng.choice(["Mr Patel", "Ms Jones"], n), "Gender": rng.choice(["F", "M"], n),
        "FSM": rng.choice(["Y", "N"], n), "SEN": rng.choice(["N", "K", "E"], n, p=[.84, .13, .03]),
        "EAL": rng.choice(["Y", "N"], n), "Attendance %": np.round(rng.normal(93, 5, n).clip(60, 100), 1),
        "KS2 Scaled Score": ks2, "Homework Completion %": rng.integers(0, 101, n),
        "Behaviour Points": rng.poisson(3, n), "Maths Mock": maths,
        "English Mock": np.clip(np.round((ks2 - 104) * 2 + 58 + rng.normal(0, 10, n)), 0, 100),
        "Art Grade": rng.choice(list("123456789") + ["U"], n),
    })


def table(frame: pd.DataFrame, name: str = "mis.csv") -> Table:
    return Table(frame, name, "utf-8", ",")


def test_an_mis_export_gets_every_role_subject_and_identifier():
    columns = detect(mis_frame())
    assert columns.roles == {
        "student_id": "UPN", "name": "Student Name", "year_group": "Year Group", "form": "Form",
        "teacher": "Teacher", "fsm": "FSM", "sen": "SEN", "eal": "EAL", "homework": "Homework Completion %",
        "behaviour": "Behaviour Points", "attendance": "Attendance %", "previous_score": "KS2 Scaled Score",
        "gender": "Gender"}
    assert [(s.name, s.column, s.scale.kind) for s in columns.subjects] == [
        ("Maths", "Maths Mock", "percentage"), ("English", "English Mock", "percentage"), ("Art", "Art Grade", "gcse")]
    assert columns.scales["previous_score"].kind == "ks2"
    assert columns.ignored == {}
    info = {c.column: c for c in columns.columns}
    assert info["UPN"].confidence == 1.0 and info["Art Grade"].role == "subject"
    assert info["Maths Mock"].sample == ["%g" % v for v in mis_frame()["Maths Mock"].head(3)]


def test_ks2_scaled_scores_are_valid_prior_attainment_not_impossible_values():
    frame = mis_frame()
    result = analyse(table(frame), outliers=False)
    assert result.mapping["previous_score"] == "KS2 Scaled Score"
    assert not any("impossible" in w and "KS2" in w for w in result.warnings)
    assert result.students["KS2 Scaled Score"].tolist() == frame["KS2 Scaled Score"].astype(float).tolist()
    assert "Previous_Scores" in result.themes


def test_the_combined_outcome_is_the_mean_of_subject_standard_scores():
    frame = mis_frame()
    result = analyse(table(frame), outliers=False)
    assert result.exam_column == COMBINED
    points = pd.DataFrame({
        "m": frame["Maths Mock"], "e": frame["English Mock"],
        "a": frame["Art Grade"].map(lambda g: 0 if g == "U" else int(g)).astype(float)})
    z = (points - points.mean()) / points.std(ddof=0)
    expected = (100 + 15 * z.mean(axis=1)).round(1)
    assert np.allclose(result.students[COMBINED], expected)
    # letters stay as entered; their points sit in an added column
    assert result.students["Art Grade"].tolist() == frame["Art Grade"].tolist()
    assert result.subject_columns == {"Maths": "Maths Mock", "English": "English Mock", "Art": "Art Grade (points)"}


def test_personas_use_homework_behaviour_and_attendance_themes():
    result = analyse(table(mis_frame()), outliers=False)
    assert set(result.themes) == {"Attendance", "Previous_Scores", "Homework", "Behaviour"}
    assert len(result.personas) == 5 and result.trajectories


def test_identifiers_and_subjects_never_feed_the_risk_model():
    result = analyse(table(mis_frame()), outliers=False)
    spec = fit_spec(result)
    for column in ("UPN", "Student Name", "Maths Mock", "English Mock", "Art Grade", "Art Grade (points)", COMBINED):
        assert column not in spec.columns
    assert "Attendance %" in spec.columns and "FSM" in spec.columns


def test_choices_override_roles_subjects_and_outcome():
    frame = mis_frame()
    choices = {"roles": {"teacher": None}, "identifiers": ["Teacher"],
               "subjects": [{"column": "Maths Mock", "name": "Maths", "scale": "percentage", "pass_mark": 40,
                             "target": 60}],
               "outcome": "Maths"}
    result = analyse(table(frame), outliers=False, choices=choices)
    assert result.exam_column == "Maths Mock"
    assert "teacher" not in result.mapping and "Teacher" in result.identifier_columns
    subject = result.column_map.subject("Maths")
    assert (subject.pass_mark, subject.target) == (40, 60)
    assert "English Mock" in result.column_map.ignored


@pytest.mark.parametrize("choices, message", [
    ({"roles": {"attendance": "Attendence"}}, "names column 'Attendence', which the file does not have"),
    ({"roles": {"wellbeing": "FSM"}}, "unknown role 'wellbeing'"),
    ({"subjects": [{"column": "Maths Mock", "scale": "out of ten"}]}, "unknown scale 'out of ten'"),
    ({"subjects": [{"column": "Maths Mock", "pass_mark": "forty"}]}, "pass_mark must be a number"),
    ({"outcome": "Latin"}, "outcome 'Latin' is not a subject"),
    ({"colour": "blue"}, "unknown key(s) colour"),
])
def test_a_bad_choice_is_refused_naming_what_is_wrong(choices, message):
    frame = mis_frame(50)
    with pytest.raises(DataError) as err:
        apply_choices(detect(frame), choices, list(frame.columns))
    assert message in str(err.value)


def test_prior_attainment_on_a_scale_the_column_does_not_fit_is_named_and_unchanged():
    frame = mis_frame()
    frame["KS2 Scaled Score"] = (frame["KS2 Scaled Score"] - 80) * 2.5  # percentages, not scaled scores
    result = analyse(table(frame), outliers=False,
                     choices={"roles": {"previous_score": {"column": "KS2 Scaled Score", "scale": "ks2"}}})
    reason = result.unmapped["KS2 Scaled Score"]
    assert "outside 80-120" in reason and "not used as Previous score" in reason
    assert result.students["KS2 Scaled Score"].tolist() == frame["KS2 Scaled Score"].tolist()


def test_letters_in_a_numeric_subject_are_named_with_rows_and_kept():
    frame = mis_frame()
    frame["Maths Mock"] = frame["Maths Mock"].astype(object)
    frame.loc[4, "Maths Mock"] = "abs"
    result = analyse(table(frame), outliers=False)
    warning = next(w for w in result.warnings if w.startswith("Column 'Maths Mock'"))
    assert "'abs' (row 6)" in warning and "left out of Maths" in warning
    assert result.students.loc[4, "Maths Mock"] == "abs"
    assert np.isnan(result.students.loc[4, result.subject_columns["Maths"]])


def test_a_column_of_words_is_not_a_subject():
    frame = mis_frame()
    frame["Maths Mock"] = np.where(np.arange(len(frame)) % 3, "Working towards", "Secure")
    result = analyse(table(frame), outliers=False)
    assert "Maths" not in result.subject_columns


def test_scales_convert_letters_and_gcse_grades_to_points():
    points, unknown, outside = to_points(pd.Series(["A*", "C", "U", "Z", None]), parse_scale("letters"))
    assert points[:3].tolist() == [8, 5, 0] and unknown.tolist() == [False, False, False, True, False]
    points, unknown, outside = to_points(pd.Series([9, 4, 12]), parse_scale("gcse"))
    assert points[:2].tolist() == [9, 4] and outside.tolist() == [False, False, True]
    assert parse_scale({"min": 0, "max": 60}).percent(np.array([30.0]))[0] == 50


def test_the_header_layout_key_ignores_spelling_but_not_order():
    assert layout_key(["Maths Mock", "UPN"]) == layout_key(["maths_mock", "upn"])
    assert layout_key(["Maths Mock", "UPN"]) != layout_key(["UPN", "Maths Mock"])


def test_the_exams_file_scores_are_subjects_with_a_combined_outcome(data_dir):
    result = analyse(read_path(str(data_dir / "exams_students_performance.csv")), outliers=False)
    assert [s.column for s in result.column_map.subjects] == ["math score", "reading score", "writing score"]
    assert result.exam_column == COMBINED and len(result.personas) >= 2


def test_summarize_json_prints_the_mapping_and_takes_a_mapping_file(cli, tmp_path):
    path = tmp_path / "mis.csv"
    mis_frame().to_csv(path, index=False)
    run = cli("summarize", path, "--json", "--no-risk")
    out = json.loads(run.stdout)
    assert out["mapping"]["fsm"] == "FSM" and out["mapping"]["student_id"] == "UPN"
    assert {"name": "Art", "column": "Art Grade", "scale": "gcse", "pass_mark": None, "target": None} in out["subjects"]
    assert out["identifiers"] == [] and out["ignored"] == []
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"roles": {"behaviour": "Behavior Pts"}}))
    bad = cli("summarize", path, "--mapping", mapping)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "'Behavior Pts'" in bad.stderr
    mapping.write_text("{not json")
    assert "not valid JSON" in cli("summarize", path, "--mapping", mapping).stderr


def test_duplicate_student_ids_are_named_with_their_rows_and_every_row_kept():
    frame = mis_frame(40)
    frame.loc[7, "UPN"] = frame.loc[2, "UPN"]
    frame.loc[9, "UPN"] = None
    result = analyse(table(frame), outliers=False)
    warning = next(w for w in result.warnings if "more than one row" in w)
    assert f"'{frame.loc[2, 'UPN']}' (rows 4, 9)" in warning and warning.startswith("Column 'UPN': 1 student id(s)")
    assert any("1 row(s) have no student id, first at row 11" in w for w in result.warnings)
    assert result.rows == 40 and result.students["UPN"].tolist()[:8] == frame["UPN"].tolist()[:8]


def test_descriptions_name_the_outcome_and_prior_attainment_they_use():
    result = analyse(table(mis_frame()), outliers=False)
    assert result.outcome_label == "combined score"
    assert all("mean combined score" in p.description for p in result.personas)
    assert all(t.description.startswith("KS2 scaled score") for t in result.trajectories)


def test_a_filled_in_prior_attainment_is_known_as_blank_to_what_needs_the_real_value():
    frame = mis_frame(100)
    frame["KS2 Scaled Score"] = frame["KS2 Scaled Score"].astype(object)
    frame.loc[[3, 8], "KS2 Scaled Score"] = None
    result = analyse(table(frame), outliers=False)
    entered = result.entered("KS2 Scaled Score")
    assert np.isnan(entered[[3, 8]]).all() and np.isfinite(np.delete(entered, [3, 8])).all()
    assert result.students["KS2 Scaled Score"].notna().all()  # the themes still need a value


def test_headline_numbers_name_the_outcome_a_school_file_uses():
    from analytics.explore.views import kpis
    from components.cards import kpi_row
    from components.figures import pretty

    result = analyse(table(mis_frame()), outliers=False)
    k = kpis(result)
    assert k["outcome_label"] == "combined score"
    assert k["mean_exam"] == pytest.approx(result.students["Combined score"].mean())
    assert "Mean combined score" in str(kpi_row(k))
    assert pretty("KS2 Scaled Score") == "KS2 Scaled Score" and pretty("Hours_Studied") == "Hours studied"
