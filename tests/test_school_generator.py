"""The demo school (`generate --school`): an English secondary MIS export whose columns, codes and gaps look like a
real school's, recomputed here with pandas from the generated rows."""
import io
import time

import numpy as np
import pandas as pd
import pytest

from analytics.ingest.generate import generate_students
from analytics.ingest.school import generate_school, upn_check_letter

HEADER = [
    "UPN", "Student Name", "Year Group", "Form", "Teacher", "Gender", "FSM", "SEN", "EAL", "Attendance %",
    "KS2 Scaled Score", "Homework Completion %", "Behaviour Points", "Maths Mock", "English Mock", "Science Mock",
    "Art Grade",
]
MOCKS = ["Maths Mock", "English Mock", "Science Mock"]
LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the DfE's check letters for remainders 0-22


@pytest.fixture(scope="module")
def school() -> pd.DataFrame:
    return generate_school()


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    """Large enough that group gaps are measured to within a few hundredths of an SD."""
    return generate_school(30_000, seed=3)


def gap(frame: pd.DataFrame, column: str, group: pd.Series, other: pd.Series) -> float:
    """Mean of `group` minus mean of `other`, in standard deviations of the whole column."""
    values = frame[column].astype(float)
    return (values[group].mean() - values[other].mean()) / values.std()


def dfe_check_letter(upn: str) -> str:
    return LETTERS[sum(int(d) * w for d, w in zip(upn[1:], range(2, 14))) % 23]


def test_columns_in_the_export_order(school):
    assert list(school.columns) == HEADER and len(school) == 1000
    # Listed as an MIS lists them: by year group, then form.
    assert school["Year Group"].is_monotonic_increasing
    assert (school.groupby("Year Group")["Form"].apply(lambda f: f.is_monotonic_increasing)).all()


def test_upns_are_well_formed_unique_and_carry_the_dfe_check_letter(school, big):
    assert dfe_check_letter("B801200005001") == "B"  # the published example of a valid UPN
    assert list(upn_check_letter(np.array([801200005001]))) == ["B"]
    for frame in (school, big):
        upn = frame["UPN"]
        assert upn.str.fullmatch(r"[A-HJ-NP-RT-Z]\d{12}").all() and upn.is_unique
        assert (upn.str[0] == upn.map(dfe_check_letter)).all()


def test_year_groups_forms_and_tutors(school):
    assert set(school["Year Group"]) == {7, 8, 9, 10, 11}
    shares = school["Year Group"].value_counts(normalize=True)
    assert shares.between(0.18, 0.22).all()
    assert (school["Form"].str[:-1] == school["Year Group"].astype(str)).all()
    assert school["Form"].str[-1].str.fullmatch("[A-HJ-M]").all()
    assert school.groupby("Form").size().between(22, 34).all()
    # One tutor a form, a different tutor for each form, named as pupils address them.
    assert (school.groupby("Form")["Teacher"].nunique() == 1).all()
    assert school.groupby("Teacher")["Form"].nunique().max() == 1
    assert school["Teacher"].str.fullmatch(r"(Mr|Ms|Mrs|Miss|Dr) [A-Z][\w'-]+").all()
    assert school["Student Name"].str.fullmatch(r"\S+ \S+").all()


def test_codes_and_their_shares(big):
    assert set(big["Gender"]) == {"F", "M"} and set(big["FSM"]) == {"Y", "N"} and set(big["EAL"]) == {"Y", "N"}
    assert set(big["SEN"]) == {"N", "K", "E"}
    assert 0.22 < (big["FSM"] == "Y").mean() < 0.28
    assert 0.15 < (big["EAL"] == "Y").mean() < 0.21
    sen = big["SEN"].value_counts(normalize=True)
    assert 0.81 < sen["N"] < 0.87 and 0.11 < sen["K"] < 0.15 and 0.02 < sen["E"] < 0.04


def test_value_ranges(big):
    attendance = big["Attendance %"]
    assert attendance.between(60, 100).all() and (attendance.round(1) == attendance).all()
    ks2 = big["KS2 Scaled Score"].dropna()
    assert ks2.between(80, 120).all() and (ks2 == ks2.round()).all()
    assert 103 < ks2.mean() < 105 and 5 < ks2.std() < 7
    assert big["Homework Completion %"].between(0, 100).all()
    assert (big["Behaviour Points"] >= 0).all()
    assert big["Behaviour Points"].var() > big["Behaviour Points"].mean()  # a few pupils earn most of them
    for column in MOCKS:
        marks = big[column].dropna()
        assert marks.between(0, 100).all() and (marks == marks.round()).all()
    assert set(big["Art Grade"].dropna()) == {"U", *map(str, range(1, 10))}


def test_attendance_like_a_real_school(big):
    attendance, fsm = big["Attendance %"], big["FSM"] == "Y"
    assert 92 < attendance.mean() < 94
    assert 0.18 <= (attendance <= 90).mean() <= 0.22  # persistent absence
    assert 2 < attendance[~fsm].mean() - attendance[fsm].mean() < 4
    assert (attendance == 100).any()


def test_blanks_where_a_school_has_them(big):
    ks2_blank = big["KS2 Scaled Score"].isna()
    assert 0.03 < ks2_blank.mean() < 0.05
    assert ks2_blank[big["EAL"] == "Y"].mean() > 2 * ks2_blank[big["EAL"] == "N"].mean()  # arrived after KS2
    for column in MOCKS:
        assert 0.005 < big[column].isna().mean() < 0.02
    assert 0.01 < big["Art Grade"].isna().mean() < 0.03
    complete = [c for c in HEADER if c not in MOCKS + ["KS2 Scaled Score", "Art Grade"]]
    assert big[complete].notna().all().all()
    # The absent miss mocks: pupils without a maths mark attended less than those with one.
    missing = big["Maths Mock"].isna()
    assert big.loc[missing, "Attendance %"].mean() < big.loc[~missing, "Attendance %"].mean()


def test_mocks_follow_prior_attainment_and_engagement(big):
    numbers = big[["KS2 Scaled Score", "Attendance %", "Homework Completion %", "Behaviour Points"] + MOCKS]
    corr = numbers.astype(float).corr()
    for column in MOCKS:
        assert corr.loc["KS2 Scaled Score", column] > 0.7
        assert corr.loc["Attendance %", column] > 0.15
        assert corr.loc["Homework Completion %", column] > 0.2
        assert corr.loc["Behaviour Points", column] < -0.1
    assert corr.loc["Behaviour Points", "Homework Completion %"] < 0


def test_gaps_have_the_intended_signs_and_sizes(big):
    fsm, sen, eal, girls = big["FSM"] == "Y", big["SEN"], big["EAL"] == "Y", big["Gender"] == "F"
    for column in MOCKS:
        assert -0.55 < gap(big, column, fsm, ~fsm) < -0.25
        support, ehcp = gap(big, column, sen == "K", sen == "N"), gap(big, column, sen == "E", sen == "N")
        assert -0.8 < support < -0.4 and -1.3 < ehcp < -0.8 and ehcp < support
        assert big[column].astype(float).groupby(sen).mean().idxmin() == "E"
    eal_gaps = {c: gap(big, c, eal, ~eal) for c in MOCKS}
    assert -0.2 < np.mean(list(eal_gaps.values())) < 0
    assert eal_gaps["English Mock"] < eal_gaps["Maths Mock"]
    assert 0.1 < gap(big, "English Mock", girls, ~girls) < 0.4
    assert abs(gap(big, "Maths Mock", girls, ~girls)) < 0.1


def test_a_couple_of_forms_are_clearly_weaker(school, big):
    # With 500 pupils a form, chance hardly moves a form's mean: exactly two stand out, by 7.5 marks or more.
    means = big.groupby("Teacher")[MOCKS].mean().mean(axis=1)
    assert (means < means.median() - 7.5).sum() == 2
    # In the 1,000-pupil school a tutor's view of the weakest form has something to show.
    means = school.groupby("Teacher")[MOCKS].mean().mean(axis=1)
    assert means.min() < means.median() - 5


def test_seeded_and_deterministic(school):
    assert generate_school(1000, 11).equals(school)
    assert not generate_school(1000, 12).equals(school)
    one = generate_school(1)
    assert len(one) == 1 and list(one.columns) == HEADER


@pytest.mark.parametrize("rows", [0, -3])
def test_refuses_no_rows(rows):
    with pytest.raises(ValueError, match="at least 1"):
        generate_school(rows)


def test_two_hundred_thousand_pupils_in_seconds():
    start = time.perf_counter()
    frame = generate_school(200_000, seed=5)
    assert time.perf_counter() - start < 10
    assert len(frame) == 200_000 and frame["UPN"].is_unique


def test_cli_writes_the_demo_school(cli, tmp_path, school):
    target = tmp_path / "school.csv"
    out = cli("generate", "--school", "--out", target)
    assert out.returncode == 0, out.stderr
    assert "wrote 1,000 students" in out.stderr
    assert target.read_text() == school.to_csv(index=False)  # 1,000 pupils, seed 11 by default
    written = pd.read_csv(target, dtype={"Art Grade": str})
    assert list(written.columns) == HEADER and written["UPN"].is_unique
    assert written["KS2 Scaled Score"].isna().sum() == school["KS2 Scaled Score"].isna().sum()

    printed = cli("generate", "--school", "--rows", 50, "--seed", 4, "--out", "-")
    assert printed.returncode == 0 and printed.stdout == generate_school(50, 4).to_csv(index=False)
    assert len(pd.read_csv(io.StringIO(printed.stdout))) == 50

    refused = cli("generate", "--school", "--rows", 0, "--out", tmp_path / "none.csv")
    assert refused.returncode == 2 and "at least 1" in refused.stderr and not (tmp_path / "none.csv").exists()


def test_cli_without_school_keeps_the_20_column_layout(cli, tmp_path):
    target = tmp_path / "demo.csv"
    assert cli("generate", "--out", target).returncode == 0
    assert target.read_text() == generate_students(2000, 7).to_csv(index=False)  # as before: 2,000 rows, seed 7
