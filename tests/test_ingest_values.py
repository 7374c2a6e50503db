"""What a school entered is kept: a column that does not fit its role keeps its values, only a few stray
values are imputed (each named with its first row), and numbers are reported as they were written."""
import numpy as np
import pandas as pd
import pytest

from analytics import analyse, read_bytes
from analytics.ingest.clean import STRAY_SHARE


def run(frame: pd.DataFrame, name: str = "school.csv"):
    return analyse(read_bytes(frame.to_csv(index=False).encode(), name))


@pytest.fixture(scope="module")
def kaggle_frame(kaggle_path):
    return pd.read_csv(kaggle_path)


@pytest.fixture(scope="module")
def sen_frame(kaggle_frame):
    """The census SEN codes (N, K = SEN support, E = EHCP) where the Kaggle file has Yes/No."""
    frame = kaggle_frame.drop(columns=["Learning_Disabilities"])
    rng = np.random.default_rng(3)
    sen = np.full(len(frame), "N", dtype=object)
    sen[rng.choice(len(frame), 197, replace=False)] = rng.choice(["K", "E"], 197)
    frame.insert(5, "SEN", sen)
    return frame


def first_row(frame: pd.DataFrame, column: str, value) -> int:
    return int(np.flatnonzero(frame[column].astype(str).to_numpy() == str(value))[0]) + 2


def test_sen_codes_are_kept_as_the_sen_group_not_turned_into_no(sen_frame):
    result = run(sen_frame)
    assert result.students["SEN"].astype(str).tolist() == sen_frame["SEN"].tolist()
    assert (result.students["SEN"] == "K").sum() == (sen_frame["SEN"] == "K").sum()
    assert result.mapping["sen"] == "SEN" and "learning_disabilities" not in result.mapping
    assert "SEN" not in result.imputed and result.unmapped == {}


def test_census_codes_in_a_learning_disabilities_column_are_kept_and_named(sen_frame):
    frame = sen_frame.rename(columns={"SEN": "Learning_Disabilities"})
    result = run(frame)
    assert result.students["Learning_Disabilities"].astype(str).tolist() == sen_frame["SEN"].tolist()
    assert "learning_disabilities" not in result.mapping and "Learning_Disabilities" not in result.imputed
    reason = result.unmapped["Learning_Disabilities"]
    assert "not used as Learning disabilities" in reason and "197 of its 6,607 values" in reason
    assert f"first at row {first_row(sen_frame, 'SEN', 'K')}" in reason
    assert f"first at row {first_row(sen_frame, 'SEN', 'E')}" in reason
    assert "keeps its own values as a group" in reason
    assert reason in result.warnings
    assert result.to_dict()["unmapped"] == {"Learning_Disabilities": reason}


def test_a_few_stray_levels_are_imputed_and_each_named(kaggle_frame):
    frame = kaggle_frame.copy()
    frame.loc[[4, 40], "Motivation_Level"] = "Very High"
    frame.loc[77, "Motivation_Level"] = "Extreme"
    result = run(frame)
    warning = next(w for w in result.warnings if "'Motivation_Level'" in w)
    assert "3 value(s) not one of Low/Medium/High" in warning
    assert "'Very High' (2 cells, first at row 6)" in warning and "'Extreme' at row 79" in warning
    mode = kaggle_frame["Motivation_Level"].drop([4, 40, 77]).mode().iloc[0]
    assert f"most common value ({mode})" in warning
    assert result.students.loc[[4, 40, 77], "Motivation_Level"].tolist() == [mode] * 3
    untouched = frame.index.difference([4, 40, 77])
    assert (result.students.loc[untouched, "Motivation_Level"].astype(str)
            == frame.loc[untouched, "Motivation_Level"]).all()


def test_two_percent_is_the_most_that_is_imputed(kaggle_frame):
    limit = int(STRAY_SHARE * len(kaggle_frame))  # 132 of 6,607
    frame = kaggle_frame.copy()
    frame.loc[:limit - 1, "Peer_Influence"] = "Mixed"
    assert run(frame).imputed["Peer_Influence"] == limit
    frame.loc[:limit, "Peer_Influence"] = "Mixed"
    result = run(frame)
    assert "peer_influence" not in result.mapping and "Peer_Influence" not in result.imputed
    assert result.students["Peer_Influence"].astype(str).tolist() == frame["Peer_Influence"].tolist()


def test_numbers_out_of_range_in_many_rows_are_kept_as_entered(kaggle_frame):
    frame = kaggle_frame.copy()
    frame.loc[:299, "Attendance"] = 150
    result = run(frame)
    assert "attendance" not in result.mapping and "Attendance" not in result.imputed
    assert "300 of its 6,607 values" in result.unmapped["Attendance"]
    assert "outside 0-100" in result.unmapped["Attendance"]
    assert result.students["Attendance"].tolist() == frame["Attendance"].tolist()


def test_a_score_above_the_scale_is_kept_with_a_warning(kaggle_frame):
    result = run(kaggle_frame)
    above = kaggle_frame.index[kaggle_frame["Exam_Score"] > 100]
    assert len(above) == 1
    warning = next(w for w in result.warnings if "'Exam_Score'" in w)
    assert "1 value(s) above 100" in warning and f"'101' at row {above[0] + 2}" in warning
    assert "kept as entered" in warning
    assert result.students.loc[above[0], "Exam_Score"] == 101
    assert "Exam_Score" not in result.imputed


def test_a_huge_number_is_reported_as_written(kaggle_frame):
    frame = kaggle_frame.astype({"Exam_Score": object, "Sleep_Hours": object})
    frame.loc[3, "Exam_Score"] = "1e308"
    frame.loc[8, "Sleep_Hours"] = "1E400"  # past the largest float: infinity
    result = run(frame)
    exam = next(w for w in result.warnings if "'Exam_Score'" in w and "impossible" in w)
    assert "'1e308' at row 5" in exam and "-9.22" not in exam
    median = kaggle_frame["Exam_Score"].drop(3).median()
    assert f"median ({median:g})" in exam and result.students.loc[3, "Exam_Score"] == median
    sleep = next(w for w in result.warnings if "'Sleep_Hours'" in w)
    assert "'1E400' at row 10" in sleep


def test_a_huge_number_in_an_unmapped_column_is_not_changed(kaggle_frame):
    frame = kaggle_frame.head(300).assign(Budget=[7] * 299 + [1e308])
    result = run(frame)
    assert result.students["Budget"].iloc[-1] == 1e308
    assert (result.students["Budget"].iloc[:-1] == 7).all()
