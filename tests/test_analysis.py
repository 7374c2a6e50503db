"""Personas and trajectories on the real files."""
import numpy as np
import pandas as pd
import pytest

from analytics import analyse, analyse_file, read_bytes
from analytics.models.trajectories import ARCHETYPES
from analytics.results import PERSONA, PERSONA_ID, THEMES, TRAJECTORY, TRAJECTORY_ID
from backend.store import DatasetStore


def test_kaggle_file_gets_five_personas_and_three_trajectories(kaggle):
    assert kaggle.rows == 6607
    assert len(kaggle.personas) == 5 and len(kaggle.trajectories) == 3
    assert sum(p.size for p in kaggle.personas) == 6607
    assert sum(t.size for t in kaggle.trajectories) == 6607
    assert kaggle.students[PERSONA].value_counts().sum() == 6607
    assert kaggle.themes == THEMES[:8]  # the Kaggle file has no homework or behaviour column
    assert kaggle.skipped == {}


def test_blank_cells_are_imputed_and_counted(kaggle):
    assert kaggle.imputed == {"Teacher_Quality": 78, "Parental_Education_Level": 90, "Distance_from_Home": 67}
    assert kaggle.students["Teacher_Quality"].isna().sum() == 0
    assert any("Teacher_Quality" in w and "row 129" in w for w in kaggle.warnings)
    # An imputed categorical cell shows a real level, not a number.
    assert set(kaggle.students["Distance_from_Home"].unique()) == {"Near", "Moderate", "Far"}


def test_personas_are_ordered_by_mean_exam_score_and_named_uniquely(kaggle):
    scores = [p.mean_exam_score for p in kaggle.personas]
    assert scores == sorted(scores, reverse=True)
    names = [p.name for p in kaggle.personas]
    assert len(set(names)) == len(names)
    for p in kaggle.personas:
        assert p.description.endswith(".") and f"{p.mean_exam_score:.1f}" in p.description
        assert set(p.centroid) == set(THEMES[:8])
    means = kaggle.students.groupby(PERSONA_ID)["Exam_Score"].mean()
    assert np.allclose(means.to_numpy(), scores, atol=0.01)


@pytest.mark.parametrize("k", range(2, 9))
def test_every_persona_count_gives_unique_names(kaggle_path, k):
    result = analyse_file(str(kaggle_path), personas=k)
    assert len(result.personas) == k
    assert len({p.name for p in result.personas}) == k
    assert sum(p.size for p in result.personas) == result.rows


def test_labels_are_deterministic(kaggle_path, kaggle):
    again = analyse_file(str(kaggle_path))
    assert (again.students[PERSONA_ID] == kaggle.students[PERSONA_ID]).all()
    assert (again.students[TRAJECTORY_ID] == kaggle.students[TRAJECTORY_ID]).all()
    assert [p.name for p in again.personas] == [p.name for p in kaggle.personas]


def test_trajectory_names_follow_centroid_geometry(kaggle):
    names = [t.name for t in kaggle.trajectories]
    assert len(set(names)) == 3 and set(names) <= set(ARCHETYPES)
    by_name = {t.name: t.centroid for t in kaggle.trajectories}
    assert set(by_name) == {"Consistently high", "Consistently low", "Declining"}
    assert by_name["Consistently high"]["previous_score"] > 0 and by_name["Consistently high"]["exam_score"] > 0
    assert by_name["Consistently low"]["previous_score"] < 0 and by_name["Consistently low"]["exam_score"] < 0
    assert by_name["Declining"]["previous_score"] > 0 > by_name["Declining"]["exam_score"]
    exam = [t.mean_exam_score for t in kaggle.trajectories]
    assert exam == sorted(exam, reverse=True)  # the weakest trajectory is last
    assert kaggle.weakest_trajectory().mean_exam_score == min(exam)


def test_silhouettes_are_reported(kaggle):
    assert -1 <= kaggle.silhouette["personas"] <= 1
    assert 0 < kaggle.silhouette["trajectories"] <= 1


def test_a_filtered_view_keeps_every_label(kaggle, kaggle_bytes, cache_dir):
    store = DatasetStore(cache_dir)
    dataset = store.add(kaggle_bytes, "student_performance_factors.csv")
    full = store.analysis(dataset).students
    girls = full[full["Gender"] == "Female"]
    # Standardisation is fixed by the whole cohort: the same student has the same persona and theme values.
    assert (girls[PERSONA] == kaggle.students.loc[girls.index, PERSONA]).all()
    assert (girls["z_Attendance"] == kaggle.students.loc[girls.index, "z_Attendance"]).all()
    # A restarted server reads the same analysis back from disk.
    reopened = DatasetStore(cache_dir).analysis(dataset).students
    assert (reopened[PERSONA_ID] == full[PERSONA_ID]).all()


def test_store_reuses_the_same_id_for_the_same_bytes(kaggle_bytes, cache_dir):
    store = DatasetStore(cache_dir)
    assert store.add(kaggle_bytes, "a.csv") == store.add(kaggle_bytes, "b.csv")
    assert store.has(store.add(kaggle_bytes, "b.csv"))
    assert not store.has("nope")
    with pytest.raises(KeyError):
        store.analysis("0" * 24)


def test_uci_files_map_honestly(data_dir):
    for name, rows in (("uci_student_mat.csv", 395), ("uci_student_por.csv", 649)):
        result = analyse_file(str(data_dir / name))
        assert result.rows == rows
        m = result.mapping
        assert (m["gender"], m["school_type"], m["exam_score"], m["previous_score"]) == ("sex", "school", "G3", "G2")
        assert (m["hours_studied"], m["absences"], m["internet_access"]) == ("studytime", "absences", "internet")
        assert "motivation" not in m
        assert len(result.personas) == 5 and len(result.trajectories) == 3
        assert any("motivation (Motivation)" in w for w in result.warnings)
        assert "Motivation_Level" not in result.themes


def test_absences_count_against_attendance(data_dir):
    result = analyse_file(str(data_dir / "uci_student_mat.csv"))
    s = result.students
    assert np.corrcoef(s["absences"], s["z_Attendance"])[0, 1] < -0.99


def test_file_without_scores_still_gets_personas(data_dir, tmp_path):
    frame = pd.read_csv(data_dir / "exams_students_performance.csv")
    path = tmp_path / "no-scores.csv"
    frame.drop(columns=["math score", "reading score", "writing score"]).to_csv(path, index=False)
    result = analyse_file(str(path))
    assert "trajectories" in result.skipped and "Exam score" in result.skipped["trajectories"]
    assert len(result.personas) == 5
    assert result.personas[0].mean_exam_score is None
    assert TRAJECTORY not in result.students


def test_a_file_of_top_students_is_fitted_on_its_own(kaggle):
    top = kaggle.students[kaggle.students["Exam_Score"] >= 70]
    raw = top.drop(columns=[c for c in top if c.startswith("z_") or c in
                            ("row", PERSONA, PERSONA_ID, TRAJECTORY, TRAJECTORY_ID)])
    result = analyse(read_bytes(raw.to_csv(index=False).encode(), "top.csv"))
    assert result.rows == len(top)
    assert sum(p.size for p in result.personas) == len(top)


def test_demo_generator_is_seeded_and_realistic():
    from analytics.ingest.generate import COLUMNS, generate_students
    a, b = generate_students(500, seed=3), generate_students(500, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == COLUMNS
    assert not a.equals(generate_students(500, seed=4))
    assert 0 < a.isna().sum().sum() < 0.05 * a.size  # a few blanks, as in real exports
    assert a["Exam_Score"].corr(a["Attendance"]) > 0.3
    assert a["Exam_Score"].corr(a["Hours_Studied"]) > 0.3
    result = analyse(read_bytes(a.to_csv(index=False).encode(), "demo.csv"))
    assert len(result.personas) == 5 and len(result.trajectories) == 3
