"""Risk per subject on real files: each subject's model cross-validated on the students with a mark (the others
left out of fitting and still scored), its pass mark (the mapping's, the scale's, or the app's default read on
that subject), and the staff intervention list with names and UPNs that never feed a model."""
import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold
from test_mapping import mis_frame, table

from analytics.analysis import analyse, analyse_file
from analytics.predict import interventions, risk, subject_risk
from analytics.predict.risk_summary import cv_summary
from analytics.predict.staff_list import staff_list
from analytics.predict.whatif import apply, prepare
from analytics.results import sheet_row

EXAMS = "exams_students_performance.csv"


@pytest.fixture(scope="module")
def exams_blank(data_dir, tmp_path_factory):
    """The real exams file with every 9th maths score blanked (an absent student): (frame as read, analysis)."""
    frame = pd.read_csv(data_dir / EXAMS)
    frame.loc[::9, "math score"] = np.nan
    path = tmp_path_factory.mktemp("exams") / "exams-blank.csv"
    frame.to_csv(path, index=False)
    return frame, dataclasses.replace(analyse_file(str(path)), dataset_id="exams-blank")


@pytest.fixture(scope="module")
def math_model(exams_blank):
    return subject_risk.fit_subject(exams_blank[1], "Math")


def test_a_subject_model_learns_only_from_students_with_a_mark(exams_blank, math_model):
    frame, analysis = exams_blank
    marks = frame["math score"]
    marked = np.flatnonzero(marks.notna().to_numpy())
    assert math_model.subject == "Math" and math_model.left_out == int(marks.isna().sum()) == 112
    assert math_model.cv.rows == len(marked) == 888
    assert np.array_equal(math_model.cv.rows_used, marked)  # positions in the file, blanks skipped
    # every student is scored, the unmarked ones too (by the final model, which never saw them)
    assert len(math_model.out_of_fold) == 1000 and not np.isnan(math_model.out_of_fold).any()
    unmarked = np.flatnonzero(marks.isna().to_numpy())
    X = risk.encode(math_model.spec, analysis)
    assert np.allclose(math_model.out_of_fold[unmarked], math_model.model.predict(X[unmarked]))
    # the other subjects' marks and the combined score are outcomes, never inputs
    assert not {"math score", "reading score", "writing score", "Combined score"} & set(math_model.spec.columns)


def test_subject_cross_validation_numbers_recomputed(exams_blank, math_model):
    frame, analysis = exams_blank
    y = frame["math score"].dropna().to_numpy(dtype=float)
    X = risk.encode(math_model.spec, analysis)[frame["math score"].notna().to_numpy()]
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    model_pred, mean_pred = np.empty(len(y)), np.empty(len(y))
    for train, test in folds:  # the same folds, models refitted here from scratch
        model_pred[test] = risk.make_model(math_model.spec, len(y)).fit(X[train], y[train]).predict(X[test])
        mean_pred[test] = y[train].mean()
    mark = math_model.default_pass_mark
    metrics = cv_summary(math_model, analysis)["cv"]
    assert metrics["rows"] == 888
    assert metrics["model"]["mae"] == pytest.approx(np.mean(np.abs(y - model_pred)))
    assert metrics["model"]["rmse"] == pytest.approx(np.sqrt(np.mean((y - model_pred) ** 2)))
    assert metrics["baseline_mean"]["mae"] == pytest.approx(np.mean(np.abs(y - mean_pred)))
    cut = np.ceil(mark) - 0.5  # whole-number marks
    assert metrics["regression"]["accuracy"] == pytest.approx(np.mean((model_pred < cut) == (y < cut)))
    assert metrics["model"]["mae"] < 0.95 * metrics["baseline_mean"]["mae"]  # it adds something real
    # the chance below the pass mark reads the out-of-fold errors
    errors = y - model_pred
    some = math_model.out_of_fold[:5]
    assert np.allclose(math_model.chance_below(some, mark), [(errors < cut - p).mean() for p in some])


def test_a_percentage_subject_without_a_pass_mark_gets_the_default_logic_on_its_own_marks(exams_blank,
                                                                                           math_model):
    frame, analysis = exams_blank
    assert not analysis.trajectories  # no previous score: the lowest quarter
    expected = round(float(frame["math score"].dropna().quantile(0.25)), 1)
    assert math_model.default_pass_mark == expected
    assert math_model.pass_mark_reason == "the Math mark of the lowest quarter of this cohort"


@pytest.fixture(scope="module")
def school():
    """An MIS-style export with some blank maths mocks, a set pass mark and targets for Maths, GCSE Art."""
    frame = mis_frame(1200, 5)
    frame.loc[::13, "Maths Mock"] = np.nan
    choices = {"subjects": [{"column": "Maths Mock", "pass_mark": 40, "target": 55}, {"column": "English Mock"},
                            {"column": "Art Grade", "scale": "gcse"}]}
    return frame, dataclasses.replace(analyse(table(frame), choices=choices, outliers=False), dataset_id="mis")


def test_pass_marks_come_from_the_mapping_then_the_scale_then_the_default(school):
    frame, analysis = school
    assert subject_risk.pass_mark(analysis, "Maths") == (40.0, "the pass mark set for Maths in the column mapping")
    assert subject_risk.pass_mark(analysis, "Art")[0] == 4.0  # GCSE grade 4
    english = frame["English Mock"].to_numpy(dtype=float)
    means = (pd.Series(english).groupby(analysis.students["Trajectory"].to_numpy(), observed=True).mean()
             .sort_values())
    mark, reason = subject_risk.pass_mark(analysis, "English")
    assert mark == round((means.iloc[0] + means.iloc[1]) / 2, 1) and "mean English marks" in reason


def test_the_staff_list_names_students_by_upn_and_ranks_them_as_recomputed(school):
    frame, analysis = school
    model = subject_risk.fit_subject(analysis, "Maths")
    assert not {"UPN", "Student Name"} & set(model.spec.columns)  # identifiers never feed the model
    ctx = prepare(model, analysis, risk.predicted_scores(model, analysis))
    scores = risk.score_cohort(model, analysis, None, predicted=ctx.predicted, memo=ctx.memo)
    listed = staff_list(interventions.intervention_list(analysis, scores, ctx), analysis, "Maths")
    assert list(listed.columns[:4]) == ["priority", "row", "UPN", "Student Name"]
    assert {"mark", "target", "below_target"} <= set(listed.columns)
    # recomputed with pandas: the chance (from the out-of-fold errors when the regression's error spread is the
    # pass/fail approach in use; else that approach's out-of-fold chance, recomputed in test_passfail.py), the
    # package's gain, priority, order
    cut = model.threshold(40.0)
    every = pd.DataFrame({"predicted": ctx.predicted})
    regression = model.passfail.chosen == "regression"
    every["chance"] = ([(model.errors < cut - p).mean() for p in every["predicted"]] if regression else
                       model.passfail.out_of_fold)
    flagged = every["predicted"] < cut if regression else every["chance"] >= 0.5
    candidates = every[(every["chance"] >= 0.3) | flagged].copy()
    moved, _ = apply(ctx.X[candidates.index], ctx.levers, interventions.package(ctx))
    candidates["gain"] = model.model.predict(moved) - model.model.predict(ctx.X[candidates.index])
    gap = np.maximum(40.0 - candidates["predicted"], 0.5)
    candidates["priority"] = candidates["chance"] * (0.5 + 0.5 * np.clip(candidates["gain"] / gap, 0, 1))
    candidates["p3"], candidates["g1"] = candidates["priority"].round(3), candidates["gain"].round(1)
    order = candidates.sort_values(["p3", "g1"], ascending=False, kind="stable")
    assert listed["row"].tolist() == [sheet_row(i) for i in order.index]
    # identifiers and marks as the school entered them, on the right students
    source = frame.iloc[order.index]
    assert listed["UPN"].tolist() == source["UPN"].tolist()
    assert listed["Student Name"].tolist() == source["Student Name"].tolist()
    pd.testing.assert_series_equal(listed["mark"].astype(float).reset_index(drop=True),
                                   source["Maths Mock"].astype(float).reset_index(drop=True), check_names=False)
    expected = np.where(source["Maths Mock"].isna(), "", np.where(source["Maths Mock"] < 55, "Yes", "No"))
    assert listed["below_target"].tolist() == expected.tolist()
    assert listed["chance_below"].tolist() == order["chance"].round(2).tolist()


def test_a_file_without_subjects_has_no_subject_models(kaggle):
    assert subject_risk.subject_names(kaggle) == [] and kaggle.identifier_columns == []
    frame = pd.DataFrame({"priority": [0.5], "row": [2]})
    assert staff_list(frame, kaggle) is frame  # the Kaggle list is left exactly as it was
    with pytest.raises(risk.NoModel, match="no subject 'Maths'"):
        subject_risk.target(kaggle, "Maths")
