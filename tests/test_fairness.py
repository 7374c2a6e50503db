"""Fairness by group on the Kaggle file: each group's error and recall as a plain recount gives them, 95 %
intervals that hold the estimate and narrow as the cohort grows, and warnings on groups too small to judge."""
import dataclasses

import numpy as np
import pandas as pd
import pytest

from analytics.predict import fairness, risk


@pytest.fixture(scope="module")
def scores(kaggle, kaggle_risk, kaggle_whatif):
    return risk.score_cohort(kaggle_risk, kaggle, predicted=kaggle_whatif.predicted)


def repeated(analysis, scores, times: int):
    """The cohort's students and their scores, `times` over (a larger school with the same mix)."""
    take = np.tile(np.arange(analysis.rows), times)
    return (dataclasses.replace(analysis, students=analysis.students.iloc[take].reset_index(drop=True)),
            dataclasses.replace(scores, predicted=scores.predicted[take], chance=scores.chance[take],
                                at_risk=scores.at_risk[take], actual=scores.actual[take]))


def width(table: pd.DataFrame, group: str, metric: str) -> float:
    row = table.set_index("group").loc[group]
    return row[f"{metric}_high"] - row[f"{metric}_low"]


@pytest.mark.parametrize("by", ["Gender", "School_Type", "Parental_Education_Level"])
def test_each_group_error_and_recall_match_a_recount(kaggle, scores, by):
    table = fairness.fairness(kaggle, scores, by).set_index("group")
    frame = pd.DataFrame({"group": kaggle.students[by].astype(str), "actual": kaggle.students["Exam_Score"],
                          "predicted": scores.predicted, "flagged": scores.at_risk})
    frame["error"] = (frame["actual"] - frame["predicted"]).abs()
    below = frame[frame["actual"] < scores.pass_mark]
    expected = pd.DataFrame({"students": frame.groupby("group").size(), "mae": frame.groupby("group")["error"].mean(),
                             "below_pass": below.groupby("group").size(),
                             "recall": below.groupby("group")["flagged"].mean()})
    assert sorted(table.index) == sorted(expected.index)
    assert table["students"].to_dict() == expected["students"].to_dict()
    assert table["below_pass"].to_dict() == expected["below_pass"].to_dict()
    for group, row in expected.iterrows():
        assert table.loc[group, "mae"] == pytest.approx(row["mae"], abs=0.005)
        assert table.loc[group, "recall"] == pytest.approx(row["recall"], abs=0.0005)
    assert list(table["students"]) == sorted(table["students"], reverse=True)


def test_intervals_hold_the_estimate_and_narrow_as_the_cohort_grows(kaggle, scores):
    tables = [fairness.fairness(*repeated(kaggle, scores, times), "Gender") for times in (1, 4, 16)]
    for table in tables:
        assert (table["mae_low"] <= table["mae"]).all()
        assert (table["mae"] <= table["mae_high"]).all()
        assert (table["recall_low"] <= table["recall"]).all()
        assert (table["recall"] <= table["recall_high"]).all()
        assert (table["note"] == "").all()
    for metric in ("mae", "recall"):
        widths = [width(table, "Male", metric) for table in tables]
        assert widths[0] > widths[1] > widths[2] > 0
        # sixteen times the students: about a quarter of the width (rounding to the table's digits aside)
        assert widths[2] / widths[0] == pytest.approx(0.25, abs=0.1)


def test_resampled_and_analytic_intervals_agree_on_the_same_students(kaggle, scores, monkeypatch):
    resampled = fairness.fairness(kaggle, scores, "Gender").set_index("group")
    monkeypatch.setattr(fairness, "BOOTSTRAP_LIMIT", 1)
    analytic = fairness.fairness(kaggle, scores, "Gender").set_index("group")
    for column, tolerance in (("mae_low", 0.02), ("mae_high", 0.02), ("recall_low", 0.01), ("recall_high", 0.01)):
        assert np.allclose(resampled[column].astype(float), analytic[column].astype(float), atol=tolerance), column


def test_small_groups_are_flagged(kaggle, scores):
    students = kaggle.students.copy()
    students["Gender"] = students["Gender"].astype(str)
    above = np.flatnonzero(scores.actual >= scores.pass_mark)
    above = above[above > 4]
    students.loc[students.index[above[:40]], "Gender"] = "Few below"  # 40 students, none below the pass mark
    students.loc[students.index[:4], "Gender"] = "Other"
    students.loc[students.index[4], "Gender"] = np.nan
    table = fairness.fairness(dataclasses.replace(kaggle, students=students), scores, "Gender").set_index("group")
    assert table.loc["Other", "note"].startswith("small group: fewer than 10 students;")
    assert table.loc["Few below", "note"].startswith("small group: fewer than 10 students below the pass mark")
    few = next(r for r in table.reset_index().to_dict("records") if r["group"] == "Few below")
    assert few["recall"] is None and few["recall_low"] is None  # what the table reads to show a dash
    assert table.loc["Unknown", "students"] == 1
    assert table.loc["Unknown", "mae_low"] == table.loc["Unknown", "mae"] == table.loc["Unknown", "mae_high"]
    assert (table.loc[["Male", "Female"], "note"] == "").all()
    assert table["students"].sum() == kaggle.rows
