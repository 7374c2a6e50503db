"""The current view: filter masks, the URL form of a view, and the views computed for a filtered cohort."""
import numpy as np
import pytest

from analytics.explore import filters as flt
from analytics.explore import views
from analytics.results import PERSONA, TRAJECTORY


def names(analysis, model):
    return views.model_names(analysis, model)


def test_no_filters_keep_everyone(kaggle):
    assert flt.mask(kaggle, None).all() and flt.mask(kaggle, {}).sum() == 6607


def test_filters_compose_with_and(kaggle):
    students = kaggle.students
    persona = names(kaggle, "personas")[0]
    f = {"gender": ["Female"], "school": ["Public"], "persona": [persona], "score": [60, 70]}
    expected = ((students["Gender"] == "Female") & (students["School_Type"] == "Public")
                & (students[PERSONA] == persona) & students["Exam_Score"].between(60, 70)).to_numpy()
    got = flt.mask(kaggle, flt.normalise(kaggle, f))
    assert 0 < got.sum() < 6607 and (got == expected).all()
    # several values of one filter are an OR
    both = flt.mask(kaggle, {"gender": ["Female", "Male"]})
    assert both.all()


def test_ignore_leaves_a_filter_out(kaggle):
    persona = names(kaggle, "personas")[1]
    f = {"persona": [persona], "gender": ["Male"]}
    assert (flt.mask(kaggle, f, ignore=("persona",)) == (kaggle.students["Gender"] == "Male").to_numpy()).all()


def test_selection_rows(kaggle):
    keep = flt.mask(kaggle, {"selection": "x"}, selection=np.array([0, 5, 99_999, -1]))
    assert list(np.flatnonzero(keep)) == [0, 5]


def test_normalise_drops_unknown_values_and_columns(kaggle):
    f = flt.normalise(kaggle, {"gender": ["Female", "Robot"], "persona": ["No such persona"],
                               "score": ["90", 50], "outlier": "maybe", "school": []})
    assert f == {"gender": ["Female"], "score": [50.0, 90.0]}


def test_query_round_trip(kaggle):
    f = {"gender": ["Female"], "persona": [names(kaggle, "personas")[2], names(kaggle, "personas")[0]],
         "trajectory": [names(kaggle, "trajectories")[1]], "score": [55.0, 80.5], "outlier": "no",
         "selection": "abc123"}
    query = flt.to_query("d" * 24, 6, f)
    assert query.startswith("?dataset=" + "d" * 24 + "&personas=6")
    assert flt.from_query(query) == ("d" * 24, 6, f)
    assert flt.from_query("") == (None, None, {})


def test_query_distrusts_malformed_values():
    dataset, k, f = flt.from_query("?dataset=../../etc&personas=x&score_min=a&score_max=3&outlier=1"
                                   "&selection=%3Cscript%3E&gender=" + "x" * 500)
    assert dataset is None and k is None and f == {"gender": ["x" * flt.MAX_LABEL]}


def test_toggle_selects_then_clears():
    once = flt.toggle({"gender": ["Male"]}, "persona", "A")
    assert once == {"gender": ["Male"], "persona": ["A"]}
    assert flt.toggle(once, "persona", "A") == {"gender": ["Male"]}
    assert flt.toggle({"persona": ["A", "B"]}, "persona", "A") == {"persona": ["A"]}


def test_chips_name_each_filter():
    chips = dict(flt.chips({"score": [50, 60], "gender": ["Female", "Male"], "outlier": "yes"}))
    assert chips == {"gender": "Gender: Female, Male", "score": "Exam score: 50–60", "outlier": "Outliers: only outliers"}


def test_filtering_never_relabels(kaggle):
    """A student keeps the persona and trajectory of the whole-cohort fit in every view."""
    persona = names(kaggle, "personas")[0]
    keep = flt.mask(kaggle, {"gender": ["Female"], "persona": [persona]})
    table = views.table_frame(kaggle, keep=keep)
    assert len(table) == keep.sum() and set(table[PERSONA]) == {persona}
    whole = kaggle.students.set_index(kaggle.students["row"] + 2)
    assert (table.set_index("row")[TRAJECTORY] == whole.loc[table["row"], TRAJECTORY]).all()


def test_views_follow_the_mask(kaggle):
    keep = flt.mask(kaggle, {"school": ["Private"]})
    private = kaggle.students[kaggle.students["School_Type"] == "Private"]
    k = views.kpis(kaggle, keep)
    assert k["students"] == len(private) and k["total"] == 6607
    assert k["mean_exam"] == pytest.approx(private["Exam_Score"].mean())
    weakest = kaggle.trajectories[-1].name
    assert k["weakest_share"] == pytest.approx((private[TRAJECTORY] == weakest).mean())
    sizes = views.model_sizes(kaggle, "personas", keep)
    assert sizes == [int((private[PERSONA] == n).sum()) for n in names(kaggle, "personas")]
    table = views.breakdown(kaggle, "personas", "gender", keep).set_index(["group", "segment"])
    for (gender, persona), row in table.iterrows():
        assert row["count"] == ((private["Gender"] == gender) & (private[PERSONA] == persona)).sum()
    scores = views.exam_scores(kaggle, keep)
    assert scores["n"].sum() == len(private)


def test_small_groups_are_suppressed(kaggle):
    keep = flt.mask(kaggle, {"score": [90, 101]})  # a handful of top scorers
    table = views.breakdown(kaggle, "trajectories", "school", keep, threshold=10)
    small = table[(table["count"] > 0) & (table["count"] < 10)]
    assert len(small) and small["suppressed"].all()
    assert not table.loc[table["count"] >= 10, "suppressed"].any()
    assert not table.loc[table["count"] == 0, "suppressed"].any()
