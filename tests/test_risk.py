"""The risk model, what-ifs and interventions on the Kaggle file (and the UCI and exams files where they
show something the Kaggle file cannot)."""
import dataclasses

import numpy as np
import pandas as pd
import pytest

from analytics.analysis import analyse_file
from analytics.predict import change, explain, fairness, interventions, risk, targets, whatif
from analytics.predict import flags as early_warning
from analytics.predict.features import encode, fit_spec
from analytics.predict.risk_summary import cv_summary


class Spy:
    """A model that remembers the row ids (column 0) it was trained on and predicts -1 for any other row, the
    training target for rows it saw: an out-of-fold prediction other than -1 means a leak."""
    def fit(self, X, y):
        self.seen = dict(zip(X[:, 0].astype(int), y))
        return self

    def predict(self, X):
        return np.array([self.seen.get(int(i), -1.0) for i in X[:, 0]])


class SpyClassifier:
    """A classifier that remembers the row ids (column 0) it was trained on and records any row it is asked
    about that it saw: the pass/fail task's out-of-fold log-odds must never come from such a model."""
    leaks: list = []

    def fit(self, X, y):
        self.seen, self.classes_ = set(X[:, 0].astype(int)), np.array([False, True])
        return self

    def predict_proba(self, X):
        ids = X[:, 0].astype(int)
        SpyClassifier.leaks.extend(int(i) for i in ids if i in self.seen)
        return np.full((len(X), 2), 0.5)


def test_cross_validation_never_trains_on_its_test_fold():
    rng = np.random.default_rng(1)
    X = np.column_stack([np.arange(500), rng.normal(size=500)])
    y = rng.normal(60, 5, 500)
    cv, models = risk.cross_validate(X, y, X[:, 1], Spy, folds=5)
    assert (cv.predictions["model"] == -1).all()  # no test row was ever in its model's training rows
    assert np.bincount(cv.fold_of).tolist() == [100] * 5
    for k, model in enumerate(models):
        trained = np.array(sorted(model.seen))
        assert set(trained).isdisjoint(np.flatnonzero(cv.fold_of == k)) and len(trained) == 400
    # baselines come from the same training folds: the mean baseline is the training rows' mean
    k0 = np.flatnonzero(cv.fold_of == 0)
    assert cv.predictions["baseline_mean"][k0[0]] == pytest.approx(np.delete(y, k0).mean())


def test_model_beats_both_baselines_on_the_kaggle_file(kaggle, kaggle_risk):
    y = kaggle.students["Exam_Score"].to_numpy(dtype=float)
    metrics = kaggle_risk.cv.metrics(y, kaggle_risk.default_pass_mark)
    model, mean, previous = metrics["model"], metrics["baseline_mean"], metrics["baseline_previous"]
    assert model.mae < 0.5 * mean.mae and model.rmse < previous.rmse < mean.rmse + 0.01
    assert model.auc > 0.9 > previous.auc and model.accuracy > mean.accuracy
    assert "Exam_Score" not in kaggle_risk.spec.columns and "Previous_Scores" in kaggle_risk.spec.columns
    assert kaggle_risk.cv.rows == 6607 and kaggle_risk.cv.folds == 5


def test_default_pass_mark_sits_between_the_two_weakest_trajectories(kaggle, kaggle_risk):
    low, next_up = sorted(t.mean_exam_score for t in kaggle.trajectories)[:2]
    assert kaggle_risk.default_pass_mark == pytest.approx((low + next_up) / 2, abs=0.05)
    assert "halfway" in kaggle_risk.pass_mark_reason


def test_scores_are_out_of_fold_and_chance_follows_the_errors(kaggle, kaggle_risk, kaggle_whatif):
    scores = risk.score_cohort(kaggle_risk, kaggle, 65, predicted=kaggle_whatif.predicted)
    assert np.allclose(scores.predicted, np.clip(kaggle_risk.cv.predictions["model"], *kaggle_risk.score_range))
    assert kaggle_risk.whole_scores and kaggle_risk.threshold(65) == 64.5 and kaggle_risk.threshold(65.7) == 65.5
    assert scores.at_risk_count == int((scores.predicted < 64.5).sum()) and not scores.predicted_only
    order = np.argsort(scores.predicted)
    assert np.all(np.diff(scores.chance[order]) <= 1e-12)  # a higher prediction never has a higher chance below
    # calibration: students given 40-60 % chance end below the pass mark about half the time
    middle = (scores.chance > 0.4) & (scores.chance < 0.6)
    assert middle.sum() > 30 and 0.3 < (scores.actual[middle] < 65).mean() < 0.7


def test_more_of_a_good_factor_never_lowers_a_prediction(kaggle_risk, kaggle_whatif):
    X = kaggle_whatif.X
    assert {lv.role for lv in kaggle_whatif.levers if not lv.direction} == {"sleep_hours"}
    for lever in [lv for lv in kaggle_whatif.levers if lv.direction]:
        more = X.copy()
        more[:, lever.index] = np.clip(more[:, lever.index] + lever.direction * lever.step * 3, lever.low, lever.high)
        assert (kaggle_risk.model.predict(more) >= kaggle_risk.model.predict(X) - 1e-9).all(), lever.label


def test_sliders_at_zero_change_nothing(kaggle_whatif, kaggle_risk):
    zero = {lever.role: 0 for lever in kaggle_whatif.levers}
    for changes in ({}, zero):
        s = whatif.scenario(kaggle_whatif, kaggle_risk.default_pass_mark, changes)
        assert s.mean_after == s.mean_before and s.lifted == s.dropped == 0 and s.band == (0.0, 0.0)
        assert s.below_after == s.below_before and not s.clipped and (s.by_persona["mean_change"] == 0).all()


def test_attendance_up_lifts_students_and_says_who_was_clipped(kaggle, kaggle_whatif, kaggle_risk):
    mark = kaggle_risk.default_pass_mark
    s = whatif.scenario(kaggle_whatif, mark, {"attendance": 10})
    attendance = kaggle.students["Attendance"].to_numpy(dtype=float)
    assert s.clipped == {"Attendance": int((attendance > 90).sum())}
    assert s.mean_after > s.mean_before and s.lifted > 0 and s.dropped == 0
    assert s.below_after == s.below_before - s.lifted
    assert s.band[0] <= s.mean_change <= s.band[1] + 1e-9 and s.band[1] - s.band[0] < 1
    assert s.by_persona["students"].sum() == 6607 and s.by_persona["lifted"].sum() == s.lifted
    # a filtered view: only its students move
    keep = kaggle.students["Gender"].to_numpy() == "Female"
    part = whatif.scenario(kaggle_whatif, mark, {"attendance": 10}, keep)
    assert part.students == int(keep.sum()) and part.lifted < s.lifted
    # a change past the slider's limit is held at the limit
    far = whatif.scenario(kaggle_whatif, mark, {"attendance": 500})
    limit = whatif.scenario(kaggle_whatif, mark, {"attendance": next(lv.span for lv in kaggle_whatif.levers
                                                                      if lv.role == "attendance")})
    assert far.mean_after == pytest.approx(limit.mean_after)


def test_a_large_view_is_estimated_from_a_sample_and_says_so(kaggle_whatif, kaggle_risk, monkeypatch):
    from components.scenario import scenario_result

    exact = whatif.scenario(kaggle_whatif, kaggle_risk.default_pass_mark, {"attendance": 10})
    monkeypatch.setattr(whatif, "SCENARIO_SAMPLE", 3000)
    sampled = whatif.scenario(kaggle_whatif, kaggle_risk.default_pass_mark, {"attendance": 10})
    assert sampled.sampled and not exact.sampled and sampled.students == 6607
    assert abs(sampled.lifted - exact.lifted) < 0.15 * exact.lifted
    assert abs(sampled.mean_change - exact.mean_change) < 0.2
    assert "Estimated from a random 3,000 of the 6,607 students" in str(scenario_result(sampled, 65.7, "exam"))


def test_smallest_change_stays_in_plausible_ranges_and_lifts_the_student(kaggle_whatif, kaggle_risk):
    mark = kaggle_risk.default_pass_mark
    predicted = kaggle_whatif.predicted
    found = kaggle_whatif.levers
    by_role = {lever.role: lever for lever in found}
    checked = 0
    for i in np.flatnonzero(predicted < kaggle_risk.threshold(mark))[:25]:
        best = change.smallest_change(kaggle_risk, kaggle_whatif.X[i], predicted[i], mark, found)
        if best is None:
            continue
        checked += 1
        assert best["predicted"] >= kaggle_risk.threshold(mark) and best["words"]
        for role, delta in best["changes"].items():
            lever = by_role[role]
            value = kaggle_whatif.X[i, lever.index] + delta
            assert lever.low <= value <= lever.high and abs(delta) <= lever.span and delta * lever.direction > 0
        after, _ = whatif.student_whatif(kaggle_risk, kaggle_whatif.X[i], predicted[i], best["changes"], found)
        assert after == pytest.approx(best["predicted"])
    assert checked >= 10
    top = int(np.argmax(predicted))
    assert change.smallest_change(kaggle_risk, kaggle_whatif.X[top], predicted[top], 1000, found) is None


def test_explanation_names_the_factors_that_move_the_prediction(kaggle, kaggle_whatif, kaggle_risk):
    attendance = kaggle.students["Attendance"].to_numpy()
    i = int(np.argmin(attendance))
    items = explain.explain(kaggle_risk, kaggle_whatif.X[i])
    assert items and items[0]["factor"] == "Attendance" and items[0]["effect"] < -1
    assert items[0]["value"] == f"{attendance[i]:g}" and items[0]["typical"] == "80"
    words = explain.explanation_words(items[0], lambda c: c.replace("_", " "))
    assert words.startswith(f"Attendance {attendance[i]:g} (typical 80) lowers the predicted score by")
    # the effects are what the model says when that one input is set to typical
    row = kaggle_whatif.X[i].copy()
    row[kaggle_risk.spec.columns.index("Attendance")] = 80
    change = kaggle_risk.model.predict(kaggle_whatif.X[i][None, :])[0] - kaggle_risk.model.predict(row[None, :])[0]
    assert items[0]["effect"] == pytest.approx(change)


def test_flags_are_explained_and_match_their_thresholds(kaggle, kaggle_whatif, kaggle_risk):
    scores = risk.score_cohort(kaggle_risk, kaggle, predicted=kaggle_whatif.predicted)
    flags = early_warning.flags(kaggle, scores, kaggle_whatif)
    attendance = kaggle.students["Attendance"].to_numpy(dtype=float)
    cut = np.quantile(attendance, 0.15)
    assert np.array_equal(flags["low_attendance"].to_numpy(), attendance < cut)
    i = int(np.flatnonzero(flags["low_attendance"])[0])
    assert f"attendance {attendance[i]:g}" in flags["reasons"][i]
    assert np.array_equal(flags["low_motivation"], kaggle.students["Motivation_Level"].astype(str) == "Low")
    assert "falling_trend" not in flags  # no mid-point score in this file, and the exam score never feeds a flag
    assert (flags.loc[flags["flag_count"] == 0, "reasons"] == "").all()
    assert (flags["early_warning"] == ((flags["flag_count"] >= 2) | ((flags["flag_count"] >= 1) & scores.at_risk))).all()


def test_intervention_list_ranks_need_and_suggests_support(kaggle, kaggle_whatif, kaggle_risk):
    scores = risk.score_cohort(kaggle_risk, kaggle, predicted=kaggle_whatif.predicted)
    frame = interventions.intervention_list(kaggle, scores, kaggle_whatif)
    assert frame.attrs["candidates"] >= scores.at_risk_count and len(frame) == min(1000, frame.attrs["candidates"])
    assert frame["priority"].is_monotonic_decreasing
    assert (frame["suggested_support"] != "").all() and frame["main_factors"].str.len().gt(0).mean() > 0.9
    first = frame.iloc[0]
    assert first["chance_below"] >= 0.9 and first["gain_with_support"] > 0
    assert scores.predicted[first["row"] - 2] == pytest.approx(first["predicted"], abs=0.05)
    keep = kaggle.students["School_Type"].to_numpy() == "Private"
    private = interventions.intervention_list(kaggle, scores, kaggle_whatif, keep)
    assert set(kaggle.students["School_Type"].to_numpy()[private["row"] - 2]) == {"Private"}


def test_target_simulation_counts_gaps_and_subjects(kaggle, data_dir):
    result = targets.target_simulation(kaggle, 70)
    scores = kaggle.students["Exam_Score"].to_numpy(dtype=float)
    assert result["below"] == int((scores < 70).sum()) and result["basis"] == "exam scores"
    assert result["mean_gap"] == pytest.approx((70 - scores[scores < 70]).mean()) and result["subjects"] == []
    exams = analyse_file(str(data_dir / "exams_students_performance.csv"))
    sim = targets.target_simulation(exams, 60)
    raw = pd.read_csv(data_dir / "exams_students_performance.csv")
    assert {s["subject"] for s in sim["subjects"]} == {"Math", "Reading", "Writing"}
    maths = next(s for s in sim["subjects"] if s["subject"] == "Math")
    assert maths["below"] == int((raw["math score"] < 60).sum()) and sim["subjects"][0]["subject"] == "Math"


def test_fairness_by_group_with_intervals_and_small_group_warning(kaggle, kaggle_whatif, kaggle_risk):
    scores = risk.score_cohort(kaggle_risk, kaggle, predicted=kaggle_whatif.predicted)
    table = fairness.fairness(kaggle, scores, "Gender")
    assert set(table["group"]) == {"Male", "Female"} and table["students"].sum() == 6607
    for _, row in table.iterrows():
        assert row["mae_low"] <= row["mae"] <= row["mae_high"] and row["recall_low"] <= row["recall"] <= row["recall_high"]
        assert row["note"] == ""
    male = kaggle.students["Gender"].to_numpy() == "Male"
    below = scores.actual < scores.pass_mark
    assert table.set_index("group").loc["Male", "recall"] == pytest.approx(scores.at_risk[male & below].mean(), abs=1e-3)
    tiny = kaggle.students.copy()
    tiny["Gender"] = tiny["Gender"].astype(str)
    tiny.loc[tiny.index[:4], "Gender"] = "Other"
    small = fairness.fairness(dataclasses.replace(kaggle, students=tiny), scores, "Gender")
    assert "small group" in small.set_index("group").loc["Other", "note"]


def test_a_file_without_exam_scores_is_scored_by_an_earlier_model(store, kaggle_id, kaggle_path, tmp_path):
    frame = pd.read_csv(kaggle_path).tail(300).drop(columns=["Exam_Score"])
    new_id = store.add(frame.to_csv(index=False).encode(), "next-term.csv")
    store.run_jobs(new_id)  # what its background job does
    with pytest.raises(risk.NoModel, match="no exam score column"):
        store.risk(new_id)
    assert kaggle_id not in [s.dataset_id for s in store.models()]  # nothing learnt yet
    store.fit_risk(kaggle_id)  # what the risk job does
    assert (kaggle_id, "student_performance_factors.csv") in [(s.dataset_id, s.filename) for s in store.models()]
    ctx = store.whatif(new_id, kaggle_id)
    analysis = store.analysis(new_id)
    scores = risk.score_cohort(ctx.risk, analysis, predicted=ctx.predicted)
    assert scores.predicted_only and scores.actual is None and len(scores.predicted) == 300
    full = pd.read_csv(kaggle_path).tail(300)["Exam_Score"].to_numpy(dtype=float)
    assert np.mean(np.abs(scores.predicted - full)) < 2  # the earlier model's predictions for these students


def test_uci_model_uses_every_attribute_but_the_final_grade(data_dir):
    uci = analyse_file(str(data_dir / "uci_student_mat.csv"))
    spec = fit_spec(uci)
    assert "G3" not in spec.columns and {"G1", "G2", "failures", "Mjob"} <= set(spec.columns)
    assert spec.kinds["Mjob"] == "category" and spec.kinds["studytime"] == "number"
    no_grades = fit_spec(uci, exclude=("G1", "G2"))
    assert not {"G1", "G2"} & set(no_grades.columns)
    X = encode(spec, uci)
    assert X.shape == (395, len(spec.columns)) and not np.isnan(X).any()


def test_a_large_cohort_is_fitted_on_samples_and_every_student_scored_out_of_fold(kaggle, monkeypatch):
    # The Spy learns row ids (column 0) and predicts -1 for a row it never saw: any other score is a leak.
    monkeypatch.setattr(risk, "CV_SAMPLE", 1500)
    monkeypatch.setattr(risk, "FIT_SAMPLE", 4000)
    monkeypatch.setattr(risk, "make_model", lambda spec, rows: Spy())
    monkeypatch.setattr(risk, "make_classifier", lambda spec, rows, monotonic: SpyClassifier())
    SpyClassifier.leaks.clear()
    real_encode = risk.encode
    monkeypatch.setattr(risk, "encode", lambda spec, analysis: np.column_stack([np.arange(analysis.rows),
                                                                               real_encode(spec, analysis)]))
    model = risk.fit_risk(kaggle)
    assert model.sampled == {"cv_rows": 1500, "final_rows": 4000, "of": 6607}
    assert cv_summary(model, kaggle)["sampled"] == model.sampled
    assert len(model.out_of_fold) == 6607 and (model.out_of_fold == -1).all()
    assert SpyClassifier.leaks == []  # no pass/fail classifier was asked about a student it learnt from
    cv_rows = set(model.cv.rows_used)
    assert len(model.model.seen) == 4000 and cv_rows <= set(model.model.seen)
    assert all(set(m.seen) < cv_rows and len(m.seen) == 1200 for m in model.fold_models)
    assert len(model.errors) == 1500  # the chance below the pass mark reads the cross-validated errors only
    # the cross-validation sample is stratified by exam score: its deciles are the file's
    y = kaggle.students["Exam_Score"].to_numpy(dtype=float)
    deciles = np.linspace(0.1, 0.9, 9)
    assert np.abs(np.quantile(y[model.cv.rows_used], deciles) - np.quantile(y, deciles)).max() <= 1


def test_sampled_scores_come_from_the_models_that_never_saw_each_student(kaggle, monkeypatch):
    monkeypatch.setattr(risk, "CV_SAMPLE", 1500)
    monkeypatch.setattr(risk, "FIT_SAMPLE", 4000)
    learnt = dataclasses.replace(kaggle, dataset_id="kaggle-sampled")
    model = risk.fit_risk(learnt)
    assert risk.model_name(model.model) == "HistGradientBoostingRegressor"
    X = encode(model.spec, learnt)
    assert np.array_equal(risk.predicted_scores(model, learnt), np.clip(model.out_of_fold, *model.score_range))
    cv_rows = model.cv.rows_used
    assert np.array_equal(model.out_of_fold[cv_rows], model.cv.predictions["model"])
    outside = np.setdiff1d(np.arange(6607), cv_rows)
    by_folds = np.array([m.predict(X[outside]) for m in model.fold_models])
    from_a_fold = (by_folds == model.out_of_fold[outside]).any(axis=0)
    from_final = model.model.predict(X[outside]) == model.out_of_fold[outside]
    # each is scored by one kind of model: the final one only for the 2,607 students outside the final fit
    assert (from_a_fold ^ from_final).all() and from_final.sum() == 6607 - 4000


def test_blockwise_binned_prediction_is_the_models_own_to_the_last_bit(kaggle):
    from analytics.predict.sampling import predict_rows

    spec = fit_spec(kaggle)
    X = encode(spec, kaggle)
    model = risk.make_model(spec, len(X)).fit(X[:4000], kaggle.students["Exam_Score"].to_numpy(float)[:4000])
    X = X.copy()
    X[::7, 0] = np.nan  # blanks
    categorical = np.flatnonzero(spec.categorical)
    if len(categorical):
        X[::11, categorical[0]] = 99  # a category the model never saw
    rows = np.random.default_rng(1).permutation(len(X))
    assert np.array_equal(predict_rows(model, X, rows), model.predict(X[rows]))
    # the pass/fail task's boosted classifier: its log-odds, as decision_function gives them
    below = kaggle.students["Exam_Score"].to_numpy(float)[:4000] < 65.5
    classifier = risk.make_classifier(spec, len(X), risk.monotonic(spec)).fit(X[:4000], below)
    assert np.array_equal(predict_rows(classifier, X, rows, raw=True), classifier.decision_function(X[rows]))
