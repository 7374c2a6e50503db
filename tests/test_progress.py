"""Progress (value added): each student's result against students with the same prior attainment, averaged per
group with 95 % intervals. Every number is recomputed here with pandas and scipy from the stored values."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_mapping import mis_frame, table

from analytics.analysis import analyse
from analytics.explore import progress as prog
from analytics.ingest.read import read_path
from analytics.predict import progress as model


@pytest.fixture(scope="module")
def mis():
    frame = mis_frame(600, seed=5)
    frame.loc[[3, 40, 41], "KS2 Scaled Score"] = np.nan  # no prior attainment on file
    frame.loc[[5, 6], "Maths Mock"] = np.nan  # absent from the mock
    return frame, analyse(table(frame), outliers=False)


@pytest.fixture(scope="module")
def uci(data_dir):
    return analyse(read_path(str(data_dir / "uci_student_mat.csv")), outliers=False)


def test_progress_is_the_result_minus_what_similar_prior_attainers_reached(mis):
    frame, analysis = mis
    maths = analysis.progress.subjects["Maths"]
    assert analysis.progress.prior == "KS2 Scaled Score" and maths.method == model.CURVE
    progress = pd.Series(maths.progress)
    # no mark or no prior attainment (the cleaning's filled-in KS2 does not count): no progress score
    assert progress[[3, 40, 41, 5, 6]].isna().all() and progress.notna().sum() == 600 - 5
    scored = progress.notna()
    assert np.allclose(progress[scored], frame["Maths Mock"][scored] - maths.expected[scored])
    # the expected curve follows the mean Maths mark of each KS2 score (pandas) and rises with it
    ks2 = frame["KS2 Scaled Score"]
    by_ks2 = frame[scored].groupby(ks2[scored])["Maths Mock"].mean()
    expected = pd.Series(maths.expected[scored.to_numpy()], index=ks2[scored]).groupby(level=0).mean()
    common = by_ks2.index[frame[scored].groupby(ks2[scored]).size() >= 20]
    assert (expected[common] - by_ks2[common]).abs().mean() < 3
    assert np.corrcoef(expected.index, expected.to_numpy())[0, 1] > 0.9
    assert abs(progress.mean()) < 1.5  # progress averages about 0 over the cohort
    assert np.allclose(maths.progress_sd[scored], progress[scored] / frame["Maths Mock"].std(ddof=1))


def test_a_students_own_mark_never_sets_their_expected_result(mis):
    frame, analysis = mis
    bumped = frame.copy()
    bumped.loc[10, "Maths Mock"] = min(100, bumped.loc[10, "Maths Mock"] + 30)
    gain = bumped.loc[10, "Maths Mock"] - frame.loc[10, "Maths Mock"]
    again = analyse(table(bumped), outliers=False).progress.subjects["Maths"]
    before = analysis.progress.subjects["Maths"]
    assert again.expected[10] == pytest.approx(before.expected[10])  # out of fold: fitted without student 10
    assert again.progress[10] == pytest.approx(before.progress[10] + gain)


def test_few_students_are_compared_within_prior_attainment_bands():
    frame = mis_frame(60, seed=8)
    maths = analyse(table(frame), outliers=False).progress.subjects["Maths"]
    assert maths.method == model.BAND
    ks2, marks = frame["KS2 Scaled Score"], frame["Maths Mock"]
    cuts = ks2.quantile([1 / 3, 2 / 3]).to_numpy()
    band = pd.Series(np.searchsorted(cuts, ks2, side="right"))
    total, count = marks.groupby(band).transform("sum"), marks.groupby(band).transform("count")
    assert np.allclose(maths.expected, (total - marks) / (count - 1))  # the others in the band, not oneself


def pandas_summary(values: pd.Series, groups: pd.Series, flags: pd.Series) -> pd.DataFrame:
    rows = []
    for group, part in values.groupby(groups, observed=True):
        part = part.dropna()
        low, high = stats.t.interval(0.95, len(part) - 1, loc=part.mean(), scale=stats.sem(part))
        rows.append({"group": str(group), "students": len(part), "mean": part.mean(), "low": low, "high": high,
                     "on_track": flags[groups == group].mean()})
    return pd.DataFrame(rows).set_index("group")


def test_group_means_and_95_percent_intervals_in_the_view(mis):
    frame, analysis = mis
    keep = (frame["Gender"] == "F").to_numpy()
    view = prog.progress_view(analysis, "English", "form", keep, min_group=10)
    english = analysis.progress.subjects["English"]
    values = pd.Series(english.progress).where(keep)
    flags = pd.Series(english.on_track).where(keep)
    expected = pandas_summary(values, frame["Form"], flags)
    got = view.table.set_index("group")
    assert sorted(got.index) == sorted(expected.index) and view.unit == "points" and view.in_view == keep.sum()
    for column in ("students", "mean", "low", "high", "on_track"):
        assert np.allclose(got[column], expected.loc[got.index, column]), column
    assert view.overall["students"] == values.notna().sum()
    assert view.overall["mean"] == pytest.approx(values.mean())
    assert view.no_prior == int((keep & frame["KS2 Scaled Score"].isna().to_numpy()).sum())


def test_all_subjects_average_each_students_progress_in_standard_deviations(mis):
    frame, analysis = mis
    view = prog.progress_view(analysis, prog.ALL, "fsm", None, min_group=10)
    z = pd.DataFrame({n: analysis.progress.subjects[n].progress_sd for n in ("Maths", "English", "Art")})
    on = pd.DataFrame({n: analysis.progress.subjects[n].on_track for n in ("Maths", "English", "Art")})
    per_student = z.mean(axis=1)  # the combined outcome is not averaged in again
    got = view.table.set_index("group")
    for group in ("Y", "N"):
        rows = frame["FSM"] == group
        assert got.at[group, "mean"] == pytest.approx(per_student[rows].mean())
        assert got.at[group, "on_track"] == pytest.approx(on[rows].stack().mean())  # share of all results
    assert view.unit == "SD" and view.no_mark == 0
    by_subject = prog.progress_view(analysis, prog.ALL, prog.SUBJECT, None, 10).table.set_index("group")
    assert by_subject.at["Maths", "mean"] == pytest.approx(z["Maths"].mean())
    assert "Combined score (outcome)" in by_subject.index


def test_small_groups_keep_their_count_but_no_numbers(mis):
    frame, analysis = mis
    view = prog.progress_view(analysis, "Maths", "sen", None, min_group=30)
    got = view.table.set_index("group")
    small = frame.loc[analysis.progress.subjects["Maths"].expected == analysis.progress.subjects["Maths"].expected]
    counts = small.groupby("SEN").size()
    for group, n in counts.items():
        assert bool(got.at[group, "suppressed"]) == (n < 30)
        assert np.isnan(got.at[group, "mean"]) == (n < 30) and np.isnan(got.at[group, "on_track"]) == (n < 30)
    assert got["suppressed"].any()
    shown = prog.progress_view(analysis, "Maths", "sen", None, min_group=0).table
    assert not shown["suppressed"].any() and shown["mean"].notna().all()


def test_on_track_against_the_schools_target_when_the_mapping_sets_one(mis):
    frame, _ = mis
    choices = {"subjects": [{"column": "Maths Mock", "target": 60}, {"column": "English Mock"}]}
    analysis = analyse(table(frame), outliers=False, choices=choices)
    maths = analysis.progress.subjects["Maths"]
    marks = frame["Maths Mock"]
    assert maths.target == 60
    assert np.nanmean(maths.on_track) == pytest.approx((marks.dropna() >= 60).mean())
    view = prog.progress_view(analysis, "Maths", prog.EVERYONE, None, 10)
    assert view.overall["on_track"] == pytest.approx((marks.dropna() >= 60).mean())
    assert "target of 60" in view.target
    english = prog.progress_view(analysis, "English", prog.EVERYONE, None, 10)
    assert "expected from their prior attainment" in english.target
    on = analysis.progress.subjects["English"].on_track
    assert np.nanmean(on) == pytest.approx((analysis.progress.subjects["English"].progress >= -1e-9)[~np.isnan(on)].mean())


def test_uci_file_g3_against_g2(uci, data_dir):
    raw = pd.read_csv(data_dir / "uci_student_mat.csv", sep=";")
    g3 = uci.progress.subjects["G3"]
    assert uci.progress.prior == "G2" and g3.is_outcome and list(uci.progress.subjects) == ["G3"]
    assert np.allclose(g3.result, raw["G3"]) and np.allclose(g3.progress, raw["G3"] - g3.expected)
    view = prog.progress_view(uci, "G3", "gender", None, min_group=10)
    expected = pandas_summary(pd.Series(g3.progress), raw["sex"], pd.Series(g3.on_track))
    got = view.table.set_index("group")
    for column in ("students", "mean", "low", "high", "on_track"):
        assert np.allclose(got[column], expected.loc[got.index, column]), column
    assert view.filter_key == "gender" and view.sd == pytest.approx(raw["G3"].std(ddof=1))
    assert prog.progress_view(uci, "G3", "school_type", None, 10).filter_key == "school"
    assert prog.filter_key(uci, "fsm") is None  # no FSM filter on the bar yet


def test_a_file_without_prior_attainment_says_what_progress_needs():
    frame = mis_frame(80).drop(columns=["KS2 Scaled Score"])
    progress = analyse(table(frame), outliers=False).progress
    assert progress.subjects == {} and "prior attainment" in progress.reason


def test_a_large_cohort_gets_a_fitted_curve_and_everyone_a_score():
    rng = np.random.default_rng(0)
    n = 50_000
    prior = np.round(rng.normal(104, 6, n)).clip(80, 120)
    students = pd.DataFrame({"KS2": prior, "Maths": (prior - 104) * 3 + 55 + rng.normal(0, 10, n)})
    found = model.measure_progress(students, {"Maths": "Maths"}, "KS2")
    assert found.subjects["Maths"].method == model.CURVE and not np.isnan(found.subjects["Maths"].progress).any()
