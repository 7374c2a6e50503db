"""The school against reference figures: every number recomputed with pandas and scipy from the school's cells;
rows the school cannot answer named and skipped; bad reference files one line with file, column and row."""
import json
import math

import pandas as pd
import pytest
from scipy import stats

from analytics.compare.benchmark import benchmark
from analytics.compare.reference import load_reference, read_reference
from analytics.compare.school import from_analysis, school_from_frame
from analytics.errors import DataError
from analytics.ingest.school import generate_school

Z = stats.norm.ppf(0.975)
REFERENCE = """subject,measure,group,year,value,n,source
English and maths,pct_grade4_plus,all,2022/23,65.1,606915,national
English and maths,pct_grade4_plus,disadvantaged,2022/23,43.4,159363,national
English and maths,pct_grade4_plus,not disadvantaged,2022/23,72.8,447552,national
Maths,mean,all,2022/23,4.6,,made up
Maths,mean,Disadvantaged,2022/23,3.6,,made up
Maths,mean,Not disadvantaged,2022/23,5.0,,made up
Mathematics,pct_grade5_plus,girls,2022/23,50,,made up
English,pct_grade4_plus,SEN support,2022/23,40,,made up
English,pct_grade4_plus,EHC plan,2022/23,12,,made up
Science,mean,EAL,2022/23,55,,made up
Science,pct_grade4_plus,all,2022/23,60,,made up
Attendance,absence_rate,all,2022/23,7.4,,made up
Attendance,pct_persistent_absence,disadvantaged,2022/23,35,,made up
History,mean,all,2022/23,5,,made up
Maths,mean,looked after,2022/23,4,,made up
Maths,mean,Year Group=11,2022/23,4.5,,made up
"""


def gcse_school(rows=1500, seed=5) -> pd.DataFrame:
    """The demo school with English and Maths as GCSE grades 9-1 (blank where the mock was missed)."""
    frame = generate_school(rows, seed)
    for subject in ("English", "Maths"):
        marks = frame.pop(f"{subject} Mock").astype("Float64")
        frame[f"{subject} Grade"] = (marks // 11).clip(0, 9).astype("Int64")
    frame.loc[frame.index[::50], "Attendance %"] = None  # blanks: left out, never filled in for a comparison
    return frame


@pytest.fixture(scope="module")
def frame():
    return gcse_school()


@pytest.fixture(scope="module")
def result(frame):
    return benchmark(school_from_frame(frame, "school.csv"), read_reference(REFERENCE.encode(), "national.csv"))


def row(result, subject, measure, group):
    found = [r for r in result.comparisons if (r["subject"], r["measure"], r["group"]) == (subject, measure, group)]
    assert len(found) == 1, (subject, measure, group, result.comparisons)
    return found[0]


def wilson(k, n):
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return 100 * p, 100 * (centre - half), 100 * (centre + half)


def t_mean(values: pd.Series):
    values = values.dropna().astype(float)
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    return values.mean(), values.mean() - half, values.mean() + half, len(values)


def check_share(got, hits: pd.Series, reference):
    hits = hits.dropna().astype(bool)
    value, low, high = wilson(int(hits.sum()), len(hits))
    assert got["n"] == len(hits)
    assert got["school"] == pytest.approx(value) and got["reference"] == reference
    assert got["difference"] == pytest.approx(value - reference)
    assert (got["low"], got["high"]) == (pytest.approx(low), pytest.approx(high))


def check_mean(got, values: pd.Series, reference):
    mean, low, high, n = t_mean(values)
    assert got["n"] == n and got["school"] == pytest.approx(mean)
    assert got["difference"] == pytest.approx(mean - reference)
    assert (got["low"], got["high"]) == (pytest.approx(low), pytest.approx(high))


def test_english_and_maths_share_counts_pupils_with_both_grades(result, frame):
    both = frame[["English Grade", "Maths Grade"]].dropna().astype(float)
    hits = (both >= 4).all(axis=1)
    check_share(row(result, "English and maths", "pct_grade4_plus", "all"), hits, 65.1)
    fsm = frame.loc[both.index, "FSM"]
    check_share(row(result, "English and maths", "pct_grade4_plus", "disadvantaged"), hits[fsm == "Y"], 43.4)
    check_share(row(result, "English and maths", "pct_grade4_plus", "not disadvantaged"), hits[fsm == "N"], 72.8)


def test_means_and_shares_per_group_match_pandas(result, frame):
    maths = frame["Maths Grade"].astype("Float64")
    means = maths.groupby(frame["FSM"]).apply(lambda s: t_mean(s)[0])
    check_mean(row(result, "Maths", "mean", "all"), maths, 4.6)
    check_mean(row(result, "Maths", "mean", "Disadvantaged"), maths[frame["FSM"] == "Y"], 3.6)
    assert row(result, "Maths", "mean", "Not disadvantaged")["school"] == pytest.approx(means["N"])
    girls = maths[frame["Gender"] == "F"].dropna()
    check_share(row(result, "Mathematics", "pct_grade5_plus", "girls"), girls >= 5, 50)
    english = frame["English Grade"].astype("Float64")
    check_share(row(result, "English", "pct_grade4_plus", "SEN support"), english[frame["SEN"] == "K"].dropna() >= 4, 40)
    check_share(row(result, "English", "pct_grade4_plus", "EHC plan"), english[frame["SEN"] == "E"].dropna() >= 4, 12)
    check_mean(row(result, "Science", "mean", "EAL"), frame.loc[frame["EAL"] == "Y", "Science Mock"], 55)
    check_mean(row(result, "Maths", "mean", "Year Group=11"), maths[frame["Year Group"] == 11], 4.5)
    assert row(result, "Maths", "mean", "Disadvantaged")["matched"] == "FSM = Y"


def test_attendance_leaves_blank_cells_out(result, frame):
    attendance = frame["Attendance %"].dropna().astype(float)
    got = row(result, "Attendance", "absence_rate", "all")
    mean, low, high, n = t_mean(attendance)
    assert n == len(frame) - len(frame.index[::50])
    assert (got["n"], got["school"]) == (n, pytest.approx(100 - mean))
    assert (got["low"], got["high"]) == (pytest.approx(100 - high), pytest.approx(100 - low))
    disadvantaged = frame.loc[frame["FSM"] == "Y", "Attendance %"].dropna().astype(float)
    check_share(row(result, "Attendance", "pct_persistent_absence", "disadvantaged"), disadvantaged <= 90, 35)


def test_disadvantage_gap_against_the_national_gap(result, frame):
    both = frame[["English Grade", "Maths Grade"]].dropna().astype(float)
    hits = (both >= 4).all(axis=1)
    fsm = frame.loc[both.index, "FSM"]
    (p1, l1, u1), (p2, l2, u2) = (wilson(int(hits[fsm == g].sum()), int((fsm == g).sum())) for g in "YN")
    gap = next(g for g in result.gaps if g["measure"] == "pct_grade4_plus")
    assert gap["groups"] == ["disadvantaged", "not disadvantaged"]
    assert gap["school_gap"] == pytest.approx(p1 - p2)
    assert gap["reference_gap"] == pytest.approx(43.4 - 72.8)
    assert gap["difference"] == pytest.approx((p1 - p2) - (43.4 - 72.8))
    assert gap["low"] == pytest.approx(p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2))
    assert gap["high"] == pytest.approx(p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))
    maths = frame["Maths Grade"].astype("Float64")
    welch = stats.ttest_ind(maths[frame["FSM"] == "Y"].dropna().astype(float),
                            maths[frame["FSM"] == "N"].dropna().astype(float), equal_var=False)
    ci = welch.confidence_interval(0.95)
    mean_gap = next(g for g in result.gaps if g["measure"] == "mean")
    assert (mean_gap["low"], mean_gap["high"]) == (pytest.approx(ci.low), pytest.approx(ci.high))
    assert mean_gap["reference_gap"] == pytest.approx(3.6 - 5.0)


def test_unknown_subjects_groups_and_other_measures_are_named_and_skipped(result):
    skipped = {(s["subject"], s["group"]): s for s in result.skipped}
    assert set(skipped) == {("History", "all"), ("Maths", "looked after"), ("Science", "all")}
    assert skipped[("History", "all")]["row"] == 15
    assert "'History' is not in this file" in skipped[("History", "all")]["reason"]
    assert "'looked after' is not one this app knows" in skipped[("Maths", "looked after")]["reason"]
    science = skipped[("Science", "all")]["reason"]
    assert "GCSE" in science and "percentage (0-100)" in science and "same measure" in science
    assert len(result.comparisons) + len(result.skipped) == REFERENCE.count("\n") - 1


def test_small_groups_are_suppressed(frame, monkeypatch):
    disadvantaged = int((frame["FSM"] == "Y").sum())
    monkeypatch.setenv("COHORT_ATLAS_MIN_GROUP", str(disadvantaged + 1))
    out = benchmark(school_from_frame(frame, "school.csv"), read_reference(REFERENCE.encode(), "national.csv"))
    small = row(out, "Maths", "mean", "Disadvantaged")
    assert small["suppressed"] and small["school"] is small["n"] is small["low"] is small["difference"] is None
    assert small["reference"] == 3.6
    assert not row(out, "Maths", "mean", "all")["suppressed"]
    assert all(g["suppressed"] and g["school_gap"] is None for g in out.gaps)
    assert out.min_group == disadvantaged + 1


def test_the_dashboard_analysis_gives_the_same_numbers(frame):
    from analytics.analysis import analyse
    from analytics.ingest.read import Table

    small = frame.head(400).reset_index(drop=True)
    reference = read_reference(REFERENCE.encode(), "national.csv")
    direct = benchmark(school_from_frame(small, "school.csv"), reference)
    analysis = analyse(Table(small, "school.csv", "utf-8", ","), outliers=False)
    assert benchmark(from_analysis(analysis), reference).to_dict() == direct.to_dict()


@pytest.mark.parametrize("text, column, row_no, words", [
    ("subject,group,value\nMaths,all,5\n", None, None, "missing column year"),
    ("group,year,value\nall,2023,5\n", None, None, "missing column subject (or measure)"),
    ("subject,group,year,value\nMaths,all,2023,5\nMaths,boys,2023,five\n", "value", 3, "'five' is not a number"),
    ("subject,measure,group,year,value\nMaths,pct_grade4_plus,all,2023,165\n", "value", 2, "not a percentage"),
    ("subject,measure,group,year,value\nMaths,median,all,2023,5\n", "measure", 2, "unknown measure 'median'"),
    ("subject,group,year,value,n\nMaths,all,2023,5,lots\n", "n", 2, "not a count"),
    ("subject,group,year,value\nMaths,,2023,5\n", "group", 2, "no group"),
    ("subject,group,year,value\n", None, None, "no figures"),
])
def test_bad_reference_files_name_file_column_and_row(text, column, row_no, words):
    with pytest.raises(DataError) as err:
        read_reference(text.encode(), "ref.csv")
    assert (err.value.file, err.value.column, err.value.row) == ("ref.csv", column, row_no)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_a_lone_measure_column_and_spreadsheet_spellings():
    ref = read_reference(b"Measure,Group,Year,Value,N\nEnglish and maths: pct_grade4_plus,All,2023,65.1%,\"606,915\"\n"
                         b"Maths,girls,2023,4.8,\n", "ref.csv")
    first, second = ref.figures
    assert (first.subject, first.measure, first.value, first.n) == ("English and maths", "pct_grade4_plus", 65.1, 606915)
    assert (second.subject, second.measure, second.n) == ("Maths", "mean", None)


def test_the_example_reference_cites_a_published_source_on_every_row():
    ref = load_reference("examples/reference-england-ks4.csv")
    assert len(ref.figures) >= 10
    for figure in ref.figures:
        assert "DfE" in figure.source and "https://explore-education-statistics.service.gov.uk/" in figure.source
        assert figure.year == "2022/23"
    shares = {(f.measure, f.group): f for f in ref.figures if f.subject == "English and maths"}
    assert shares[("pct_grade4_plus", "disadvantaged")].n + shares[("pct_grade4_plus", "not disadvantaged")].n \
        == shares[("pct_grade4_plus", "all")].n


def test_cli_json_shape(cli, tmp_path, frame):
    school, ref = tmp_path / "school.csv", tmp_path / "national.csv"
    frame.to_csv(school, index=False)
    ref.write_text(REFERENCE)
    out = cli("benchmark", school, "--reference", ref, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"file", "reference", "min_group", "comparisons", "gaps", "skipped", "warnings"}
    assert {"subject", "group", "school", "reference", "difference", "low", "high", "n"} <= set(data["comparisons"][0])
    assert {"subject", "group", "row", "reason"} <= set(data["skipped"][0])
    text = cli("benchmark", school, "--reference", ref)
    assert "Not compared:" in text.stdout and "History" in text.stdout


def test_cli_errors_are_one_line_with_status_2(cli, tmp_path, frame):
    school, ref = tmp_path / "school.csv", tmp_path / "bad.csv"
    frame.head(50).to_csv(school, index=False)
    ref.write_text("subject,group,year,value\nMaths,all,2023,high\n")
    out = cli("benchmark", school, "--reference", ref, "--json")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == ("error: file 'bad.csv', column 'value', row 2: value 'high' is not a number "
                                  "(write 65.1 or 65.1%)")
    missing = cli("benchmark", school, "--reference", tmp_path / "none.csv")
    assert missing.returncode == 2 and "cannot open the reference" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
