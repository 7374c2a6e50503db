"""The risk model of a class-sized file (1,000 students or fewer): a random forest, learnt through the store as
the app learns it, on the UCI maths file (395 students)."""
import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

from analytics.predict.features import encode
from analytics.predict.risk import FOREST_UP_TO, make_model, predicted_scores, score_cohort


def estimator(model):
    """The regressor itself, whether or not it sits at the end of a pipeline."""
    return model.steps[-1][1] if hasattr(model, "steps") else model


@pytest.fixture(scope="module")
def uci(store, data_dir):
    dataset_id = store.add((data_dir / "uci_student_mat.csv").read_bytes(), "uci_student_mat.csv")
    store.run_jobs(dataset_id)  # the risk model is fitted by its background job, never on a request
    return store.analysis(dataset_id, 5), store.risk(dataset_id)


def test_a_class_sized_file_gets_a_random_forest(uci):
    analysis, risk = uci
    assert analysis.rows == 395 <= FOREST_UP_TO
    assert type(estimator(risk.model)) is RandomForestRegressor
    assert all(type(estimator(m)) is RandomForestRegressor for m in risk.fold_models) and len(risk.fold_models) == 5


def test_only_files_over_the_limit_get_boosted_trees(uci):
    spec = uci[1].spec
    assert type(estimator(make_model(spec, FOREST_UP_TO))) is RandomForestRegressor
    assert type(estimator(make_model(spec, FOREST_UP_TO + 1))) is HistGradientBoostingRegressor


def test_the_forest_beats_predicting_the_mean(uci):
    analysis, risk = uci
    y = analysis.students["G3"].to_numpy(dtype=float)
    metrics = risk.cv.metrics(y, risk.default_pass_mark)
    assert risk.cv.rows == 395 and risk.cv.folds == 5
    assert metrics["model"].mae < 0.7 * metrics["baseline_mean"].mae
    assert metrics["model"].rmse < metrics["baseline_mean"].rmse


def test_the_forest_scores_its_own_students_out_of_fold(uci):
    analysis, risk = uci
    X = encode(risk.spec, analysis)
    y = analysis.students["G3"].to_numpy(dtype=float)
    predicted = predicted_scores(risk, analysis)
    fold_of = risk.cv.fold_of
    for row in (0, 100, 394):  # each student's score comes from the fold model that never saw them
        alone = risk.fold_models[fold_of[row]].predict(X[row:row + 1])[0]
        assert predicted[row] == pytest.approx(np.clip(alone, *risk.score_range))
    in_sample = risk.predict(X)  # the final forest learnt every student: its errors are flattering
    assert np.mean(np.abs(y - in_sample)) < 0.8 * np.mean(np.abs(y - predicted))
    scores = score_cohort(risk, analysis)
    assert np.array_equal(scores.predicted, predicted) and not scores.predicted_only
    assert 0 < scores.at_risk_count < analysis.rows
