"""analytics.explore.views: the aggregations behind the charts, on the Kaggle file and on files missing columns."""
import pandas as pd
import pytest

from analytics import analyse, read_bytes
from analytics.explore import views
from analytics.results import PERSONA, ROW, THEME_PREFIX, TRAJECTORY


def analysed(frame: pd.DataFrame, name: str = "part.csv"):
    return analyse(read_bytes(frame.to_csv(index=False).encode(), name))


@pytest.fixture(scope="module")
def frame(kaggle_path):
    return pd.read_csv(kaggle_path)


def test_kpis_on_kaggle(kaggle):
    k = views.kpis(kaggle)
    assert k["students"] == 6607
    assert k["mean_exam"] == pytest.approx(kaggle.students["Exam_Score"].mean())
    weakest = kaggle.trajectories[-1]
    assert k["weakest_name"] == weakest.name
    assert k["weakest_share"] == pytest.approx(weakest.size / 6607)
    assert k["imputed_cells"] == sum(kaggle.imputed.values()) > 0
    assert list(k["imputed"].values()) == sorted(k["imputed"].values(), reverse=True)
    assert k["warnings"] == len(kaggle.warnings)


@pytest.mark.parametrize("model", ["personas", "trajectories"])
@pytest.mark.parametrize("by", ["gender", "school"])
def test_breakdown_percent_adds_to_100_per_group(kaggle, model, by):
    table = views.breakdown(kaggle, model, by)
    assert table["count"].sum() == 6607
    sums = table.groupby("group")["percent"].sum()
    assert sums.round(6).eq(100).all()
    column = kaggle.gender_column if by == "gender" else kaggle.school_column
    assert dict(table.groupby("group")["count"].sum()) == dict(kaggle.students[column].astype(str).value_counts())
    assert list(dict.fromkeys(table["segment"])) == views.model_names(kaggle, model)


def test_breakdown_counts_match_crosstab(kaggle):
    table = views.breakdown(kaggle, "personas", "gender").set_index(["group", "segment"])
    expected = pd.crosstab(kaggle.students["Gender"].astype(str), kaggle.students[PERSONA].astype(str))
    for (gender, persona), count in expected.stack().items():
        assert table.loc[(gender, persona), "count"] == count


def test_trajectory_mix_rows_add_to_100(kaggle):
    mix = views.trajectory_mix(kaggle)
    assert list(dict.fromkeys(mix["group"])) == views.model_names(kaggle, "trajectories")
    assert mix.groupby("group")["percent"].sum().round(6).eq(100).all()
    sizes = {t.name: t.size for t in kaggle.trajectories}
    assert dict(mix.groupby("group")["count"].sum()) == sizes


def test_centroids_and_scores(kaggle):
    centroids = views.centroids(kaggle)
    assert list(centroids.index) == views.model_names(kaggle, "personas")
    assert list(centroids.columns) == kaggle.themes
    scores = views.exam_scores(kaggle).set_index("persona")
    assert scores["n"].sum() == 6607 and list(scores.index) == list(centroids.index)
    for persona in kaggle.personas:
        exam = kaggle.students.loc[kaggle.students["Persona"] == persona.name, "Exam_Score"]
        assert scores.loc[persona.name, "median"] == exam.median()
        assert scores.loc[persona.name, "mean"] == pytest.approx(exam.mean())
        assert exam.min() <= scores.loc[persona.name, "low"] <= scores.loc[persona.name, "q1"]


def test_table_frame_has_added_columns_first_and_no_z_scores(kaggle):
    table = views.table_frame(kaggle)
    assert list(table.columns[:3]) == [ROW, PERSONA, TRAJECTORY]
    assert not [c for c in table.columns if c.startswith(THEME_PREFIX)]
    assert len(table) == 6607 and "Exam_Score" in table
    assert table[ROW].iloc[0] == 2  # spreadsheet numbering: the header is row 1
    assert str(table["Hours_Studied"].dtype) == "Int64"  # whole numbers shown without ".0"
    assert len(views.table_frame(kaggle, limit=10)) == 10


def test_missing_group_and_exam_columns_give_none(frame):
    no_exam = analysed(frame[["Hours_Studied", "Attendance", "Motivation_Level", "Sleep_Hours"]].head(400))
    assert views.exam_scores(no_exam) is None
    assert views.breakdown(no_exam, "personas", "gender") is None
    assert views.breakdown(no_exam, "personas", "school") is None
    assert views.trajectory_mix(no_exam) is None
    k = views.kpis(no_exam)
    assert k["mean_exam"] is None and k["weakest_name"] is None


def test_blank_group_values_are_labelled():
    students = pd.DataFrame({"g": ["a", None, "a", " "], "s": ["x", "y", "y", "x"]})
    table = views.mix(students, "g", "s", ["x", "y"])
    assert list(dict.fromkeys(table["group"])) == ["a", views.BLANK]
    assert table["count"].sum() == 4
