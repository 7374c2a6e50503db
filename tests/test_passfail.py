"""Pass/fail as a task of its own: the chance below the pass mark comes from the approach that cross-validates
best on the same folds, never below the better baseline; its figures (accuracy, AUC, Brier score, reliability
by decile) are recomputed here with pandas and scikit-learn from the data and the folds."""
import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from analytics.analysis import analyse_file
from analytics.predict import passfail as pf
from analytics.predict import risk, whatif
from analytics.predict.chances import after_change, evaluation_at
from analytics.predict.risk_summary import AS_WELL, cv_summary, quality_block

FILES = ["student_performance_factors.csv", "uci_student_mat.csv", "uci_student_por.csv",
         "exams_students_performance.csv"]


@pytest.fixture(scope="module")
def fitted(data_dir, kaggle, kaggle_risk):
    """(analysis, risk model) per file with exam scores, learnt at each file's default pass mark."""
    out = {FILES[0]: (kaggle, kaggle_risk)}
    for name in FILES[1:]:
        analysis = dataclasses.replace(analyse_file(str(data_dir / name)), dataset_id=name)
        out[name] = (analysis, risk.fit_risk(analysis))
    return out


@pytest.mark.parametrize("name", FILES)
def test_the_chosen_approach_is_never_below_the_better_baseline(fitted, name):
    analysis, model = fitted[name]
    ev = model.passfail.evaluation
    q = ev.qualities
    base = [q["majority"]] + ([q["previous"]] if "previous" in q else [])
    assert q[ev.chosen].accuracy >= max(b.accuracy for b in base)
    assert q[ev.chosen].auc >= max(b.auc for b in base)
    assert ev.chosen == min((c for c in ev.candidates if q[c].accuracy >= max(b.accuracy for b in base)
                             and q[c].auc >= max(b.auc for b in base)), key=lambda c: q[c].brier)
    # every figure names its sample: the students cross-validated and how many fell below
    y = analysis.students[model.exam_column].to_numpy(dtype=float)[model.cv.rows_used]
    assert all(m.n == len(y) and m.below == int((y < ev.cut).sum()) for m in q.values())


def recomputed(model, y, cut):
    """Every candidate's out-of-fold chance, refitted here on the model's own folds with scikit-learn."""
    cv, below = model.cv, y < cut
    folds = [cv.fold_of == k for k in range(cv.folds)]
    chances = {"regression": np.empty(len(y)), "majority": np.empty(len(y))}
    previous = cv.predictions.get("baseline_previous") is not None
    if previous:
        chances["previous"] = np.empty(len(y))
    for test in folds:
        errors = y[~test] - cv.predictions["model"][~test]
        chances["regression"][test] = (errors[None, :] < cut - cv.predictions["model"][test][:, None]).mean(axis=1)
        chances["majority"][test] = below[~test].mean()
    return chances, below, folds


@pytest.mark.parametrize("name", ["uci_student_mat.csv", "student_performance_factors.csv"])
def test_every_figure_is_recomputed_from_the_data_and_the_folds(fitted, name):
    analysis, model = fitted[name]
    ev = model.passfail.evaluation
    y = analysis.students[model.exam_column].to_numpy(dtype=float)[model.cv.rows_used]
    chances, below, folds = recomputed(model, y, ev.cut)
    previous = analysis.students[analysis.previous_column].to_numpy(dtype=float)[model.cv.rows_used]
    chances["previous"] = np.empty(len(y))
    X = risk.encode(model.spec, analysis)[model.cv.rows_used]
    raw = np.empty(len(y))
    for test in folds:
        line = make_pipeline(StandardScaler(), LogisticRegression(C=100.0)).fit(previous[~test, None], below[~test])
        chances["previous"][test] = line.predict_proba(previous[test, None])[:, 1]
        clf = pf.make_classifier(model.spec, int((~test).sum()), risk.monotonic(model.spec)).fit(X[~test], below[~test])
        raw[test] = np.log(np.clip(clf.predict_proba(X[test])[:, 1], 1e-4, 1 - 1e-4) /
                           np.clip(clf.predict_proba(X[test])[:, 0], 1e-4, 1 - 1e-4))
    chances["classifier"], chances["blend"] = np.empty(len(y)), np.empty(len(y))
    regression = np.clip(chances["regression"], 1e-4, 1 - 1e-4)
    blend = np.column_stack([np.log(regression / (1 - regression)), raw, previous])
    for test in folds:  # the classifier's calibration: a sigmoid fitted on the other folds' log-odds; the blend
        platt = make_pipeline(StandardScaler(), LogisticRegression(C=100.0)).fit(raw[~test, None], below[~test])
        chances["classifier"][test] = platt.predict_proba(raw[test, None])[:, 1]
        mix = make_pipeline(StandardScaler(), LogisticRegression(C=100.0)).fit(blend[~test], below[~test])
        chances["blend"][test] = mix.predict_proba(blend[test])[:, 1]
    block = cv_summary(model, analysis)
    keys = {"regression": "regression", "classifier": "classifier", "blend": "blend", "previous": "baseline_previous",
            "majority": "baseline_mean"}
    for name_, chance in chances.items():
        assert np.allclose(ev.chances[name_], chance, atol=1e-6), name_
        shown = block["cv"][keys[name_]]
        decision = (model.cv.predictions["model"] < ev.cut) if name_ == "regression" else chance >= 0.5
        assert shown["accuracy"] == pytest.approx(np.mean(decision == below))
        assert shown["brier"] == pytest.approx(brier_score_loss(below, chance))
        assert shown["auc"] == pytest.approx(0.5 if name_ == "majority" else roc_auc_score(below, chance))
        assert shown["n"] == len(y)
    chosen = block["passfail"]["chosen"]
    assert block["cv"]["model"]["brier"] == block["cv"][keys[chosen]]["brier"]
    # the count of students flagged is the chosen approach's decisions on the whole file
    assert block["at_risk"] == int(model.passfail.flagged.sum())


def test_intervals_are_wilson_delong_and_the_normal_one(fitted):
    from scipy.stats import binomtest

    analysis, model = fitted["uci_student_mat.csv"]
    ev = model.passfail.evaluation
    shown = cv_summary(model, analysis)["cv"]["regression"]
    chance, below = ev.chances["regression"], ev.below
    right = int(((model.cv.predictions["model"] < ev.cut) == below).sum())
    wilson = binomtest(right, len(below)).proportion_ci(0.95, method="wilson")
    assert shown["accuracy_ci"] == pytest.approx([wilson.low, wilson.high], abs=2e-4)
    squared = pd.Series((chance - below) ** 2)
    half = 1.96 * squared.std() / np.sqrt(len(squared))
    assert shown["brier_ci"] == pytest.approx([squared.mean() - half, squared.mean() + half])
    # DeLong's standard error of the AUC against a bootstrap of the students (seeded)
    rng = np.random.default_rng(0)
    boot = [roc_auc_score(below[i], chance[i]) for i in (rng.integers(0, len(below), len(below)) for _ in range(400))]
    delong = (shown["auc_ci"][1] - shown["auc_ci"][0]) / (2 * 1.96)
    assert 0.8 < delong / np.std(boot) < 1.25


def test_reliability_deciles_are_within_five_points_on_the_kaggle_file(fitted):
    analysis, model = fitted[FILES[0]]
    ev = model.passfail.evaluation
    frame = pd.DataFrame({"chance": ev.chances[ev.chosen], "below": ev.below})
    n = len(frame)
    sizes = [n // 10 + (k < n % 10) for k in range(10)]  # ten groups as equal as can be, the larger first
    rank = frame["chance"].rank(method="first").astype(int).to_numpy() - 1
    frame["decile"] = np.repeat(np.arange(10), sizes)[rank]
    by = frame.groupby("decile").agg(predicted=("chance", "mean"), observed=("below", "mean"), n=("below", "size"))
    assert (abs(by["predicted"] - by["observed"]) <= 0.05).all(), by
    shown = quality_block(model, model.default_pass_mark)["passfail"]["reliability"]
    assert [d["students"] for d in shown] == by["n"].tolist()
    assert np.allclose([d["predicted"] for d in shown], by["predicted"])
    assert np.allclose([d["observed"] for d in shown], by["observed"])


def test_the_verdict_names_the_strongest_baseline_on_each_metric(fitted):
    analysis, model = fitted[FILES[0]]
    block = quality_block(model, model.default_pass_mark)["passfail"]
    q = model.passfail.evaluation.qualities
    assert block["strongest"]["accuracy"] == max(("majority", "previous"), key=lambda b: q[b].accuracy)
    assert block["strongest"] == {"accuracy": "majority", "auc": "previous", "brier": "previous"}
    text = " ".join(block["verdict"])
    assert f"accuracy {q[block['chosen']].accuracy:.1%} against {q['majority'].accuracy:.1%} for the majority class" in text
    assert f"AUC {q[block['chosen']].auc:.3f} against {q['previous'].auc:.3f} for the previous score alone" in text
    assert "(better)" in text and AS_WELL not in text and f"n = {len(model.cv.y):,}" in text


def test_where_the_previous_score_does_as_well_the_panel_says_so_and_the_list_still_works(fitted):
    from analytics.predict.interventions import intervention_list

    analysis, model = fitted["uci_student_mat.csv"]  # G2, the second-period grade, is the previous score
    block = cv_summary(model, analysis, 10)["passfail"]
    assert block["previous_as_well"] and block["verdict"][0].startswith(AS_WELL)
    ctx = whatif.prepare(model, analysis, risk.predicted_scores(model, analysis))
    scores = risk.score_cohort(model, analysis, 10, predicted=ctx.predicted, memo=ctx.memo)
    listed = intervention_list(analysis, scores, ctx)
    assert len(listed) and listed["chance_below"].iloc[0] >= 0.5
    assert scores.at_risk_count == int(model.passfail.flagged.sum())
    # no slider moves the previous score: nobody is lifted, though the predicted score still moves
    moved = whatif.scenario(ctx, 10, {"hours_studied": 1}, scores=scores)
    assert moved.below_before == moved.below_after == scores.at_risk_count and moved.lifted == 0
    assert moved.mean_after > moved.mean_before


def test_a_small_file_widens_its_intervals_and_warns_with_its_size(kaggle_path, kaggle_risk):
    small = analyse_file_from(pd.read_csv(kaggle_path).sample(150, random_state=3))
    model = risk.fit_risk(small)
    block = quality_block(model, model.default_pass_mark)
    big = quality_block(kaggle_risk, kaggle_risk.default_pass_mark)
    for key in ("model", "baseline_mean"):
        width = block["cv"][key]["accuracy_ci"][1] - block["cv"][key]["accuracy_ci"][0]
        assert width > 3 * (big["cv"][key]["accuracy_ci"][1] - big["cv"][key]["accuracy_ci"][0])
    assert block["passfail"]["small_sample"] and not big["passfail"]["small_sample"]
    warning = block["passfail"]["verdict"][-1]
    assert warning.startswith("Only 150 students") and "±" in warning


def test_another_pass_mark_refits_nothing(kaggle, kaggle_risk, kaggle_whatif, monkeypatch):
    def no_fit(*args, **kwargs):
        raise AssertionError("a model was fitted on a request")

    monkeypatch.setattr(LogisticRegression, "fit", no_fit)
    monkeypatch.setattr(pf, "make_classifier", no_fit)
    ev = evaluation_at(kaggle_risk, 70)
    assert not ev.refitted and ev.chosen in ("regression", "previous") and set(ev.qualities) <= {
        "regression", "previous", "majority"}
    scores = risk.score_cohort(kaggle_risk, kaggle, 70, predicted=kaggle_whatif.predicted)
    y = kaggle.students["Exam_Score"].to_numpy(dtype=float)
    assert scores.approach == ev.chosen and abs(scores.at_risk_count - int((y < 70).sum())) < 0.1 * len(y)
    assert "no refitting" in " ".join(quality_block(kaggle_risk, 70)["passfail"]["verdict"])


def test_a_what_if_moves_the_chosen_approachs_count_from_the_summary_count(kaggle, kaggle_risk, kaggle_whatif):
    mark = kaggle_risk.default_pass_mark
    scores = risk.score_cohort(kaggle_risk, kaggle, mark, predicted=kaggle_whatif.predicted)
    assert scores.approach == kaggle_risk.passfail.chosen != "regression"
    still = whatif.scenario(kaggle_whatif, mark, {}, scores=scores)
    assert still.below_before == still.below_after == scores.at_risk_count
    moved = whatif.scenario(kaggle_whatif, mark, {"attendance": 10}, scores=scores)
    assert moved.below_before == scores.at_risk_count and moved.lifted > 0 and moved.dropped == 0
    assert moved.below_after == moved.below_before - moved.lifted
    rows = np.arange(20)  # no change moves no chance
    same = after_change(kaggle_risk, mark, scores.approach, kaggle_whatif.X[rows], kaggle_whatif.X[rows],
                        scores.predicted[rows], scores.predicted[rows], scores.chance[rows])
    assert np.array_equal(same, scores.chance[rows])


def test_a_file_without_exam_scores_gets_the_chosen_approachs_chance(kaggle_path, kaggle_risk):
    frame = pd.read_csv(kaggle_path).tail(300)
    new = analyse_file_from(frame.drop(columns=["Exam_Score"]))
    scores = risk.score_cohort(kaggle_risk, new)
    assert scores.predicted_only and scores.approach == kaggle_risk.passfail.chosen
    truth = frame["Exam_Score"].to_numpy(dtype=float) < kaggle_risk.threshold(kaggle_risk.default_pass_mark)
    assert roc_auc_score(truth, scores.chance) > 0.95 and np.mean(scores.at_risk == truth) > 0.9


def analyse_file_from(frame: pd.DataFrame):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "next-term.csv"
        frame.to_csv(path, index=False)
        return dataclasses.replace(analyse_file(str(path)), dataset_id="next-term")
