"""Every bad input the foundation issue lists: a clear DataError, or an analysis that says what it repaired."""
import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from analytics import DataError, analyse, read_bytes
from analytics.results import PERSONA_ID


def run(data: bytes | str, name: str = "bad.csv", **kw):
    if isinstance(data, str):
        data = data.encode()
    return analyse(read_bytes(data, name, **kw))


@pytest.fixture(scope="module")
def kaggle_frame(kaggle_path):
    return pd.read_csv(kaggle_path)


def csv_of(frame: pd.DataFrame, **kw) -> bytes:
    return frame.to_csv(index=False, **kw).encode()


def error_of(data, name="bad.csv", **kw) -> str:
    with pytest.raises(DataError) as info:
        run(data, name, **kw)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert f"file '{name}'" in message
    return message


def test_empty_file():
    assert "empty" in error_of(b"")


def test_blank_lines_only():
    assert "no text" in error_of(b"\r\n\r\n  \n")


def test_header_only(kaggle_frame):
    header = ",".join(kaggle_frame.columns) + "\r\n"
    assert "no student rows" in error_of(header)


def test_random_bytes():
    noise = np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    assert "this is a binary file, not a CSV text file" in error_of(noise)


def test_random_bytes_without_nul():
    noise = np.random.default_rng(1).integers(1, 256, 5000, dtype=np.uint8).tobytes()
    assert "text file" in error_of(noise)


def test_excel_workbook_named_csv():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    message = error_of(buffer.getvalue(), "grades.csv")
    assert "Excel" in message and "CSV UTF-8" in message


def test_old_excel_workbook():
    assert "Excel 97-2003" in error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_over_the_size_limit(kaggle_bytes):
    message = error_of(kaggle_bytes, max_bytes=100_000)
    assert "the file is 0.6 MB, over the 0 MB limit" in message and "COHORT_ATLAS_MAX_MB" in message


def test_one_column_of_text():
    assert "only 1 column" in error_of("name\nAda\nBob\n")


def test_no_known_columns():
    assert "none of the columns" in error_of("colour,shape\nred,round\nblue,square\n")


def test_misaligned_rows_name_the_line():
    message = error_of("Hours_Studied,Attendance\n1,2\n3,4,5,6\n")
    assert "line 3" in message


def test_no_exam_score_column_skips_trajectories_only(kaggle_frame):
    result = run(csv_of(kaggle_frame.drop(columns=["Exam_Score"])))
    assert "trajectories" in result.skipped
    assert "Exam score" in result.skipped["trajectories"]
    assert len(result.personas) == 5 and result.trajectories == []
    assert result.exam_column is None


def test_no_gender_column(kaggle_frame):
    result = run(csv_of(kaggle_frame.drop(columns=["Gender"])))
    assert result.gender_column is None
    assert len(result.personas) == 5 and len(result.trajectories) == 3


def test_text_in_a_numeric_column(kaggle_frame):
    frame = kaggle_frame.astype({"Attendance": object})
    frame.loc[9, "Attendance"] = "absent a lot"
    frame.loc[20, "Attendance"] = "twelve"
    frame.loc[30, "Attendance"] = "n/a"  # a conventional blank
    result = run(csv_of(frame))
    warning = next(w for w in result.warnings if "'Attendance'" in w)
    assert "2 value(s) not a number" in warning and "row 11" in warning and "absent a lot" in warning
    assert result.imputed["Attendance"] == 3
    assert any("'Attendance': 1 blank cell(s), first at row 32" in w for w in result.warnings)
    assert result.students["Attendance"].dtype.kind == "f"
    assert result.students.loc[9, "Attendance"] == kaggle_frame["Attendance"].drop([9, 20, 30]).median()


def test_unknown_category(kaggle_frame):
    frame = kaggle_frame.copy()
    frame.loc[4, "Motivation_Level"] = "Very High"
    result = run(csv_of(frame))
    warning = next(w for w in result.warnings if "'Motivation_Level'" in w)
    assert "not one of Low/Medium/High" in warning and "row 6" in warning and "Very High" in warning
    assert result.imputed["Motivation_Level"] == 1
    assert result.students.loc[4, "Motivation_Level"] in {"Low", "Medium", "High"}


def test_categories_in_other_spellings_are_understood(kaggle_frame):
    frame = kaggle_frame.copy()
    frame["Motivation_Level"] = frame["Motivation_Level"].str.upper()
    frame["Internet_Access"] = frame["Internet_Access"].map({"Yes": " yes", "No": "NO "})
    result = run(csv_of(frame))
    assert "Motivation_Level" not in result.imputed and "Internet_Access" not in result.imputed


def test_duplicate_column_names(kaggle_frame):
    text = csv_of(kaggle_frame).decode().splitlines()
    text = [line + ("," + line.split(",")[1]) for line in text]  # Attendance again at the end
    result = run("\n".join(text))
    assert any("'Attendance' appears twice" in w and "columns 2 and 21" in w for w in result.warnings)
    assert result.mapping["attendance"] == "Attendance"
    assert len(result.personas) == 5


def test_one_row(kaggle_frame):
    result = run(csv_of(kaggle_frame.head(1)))
    assert result.rows == 1
    assert "personas" in result.skipped and "trajectories" in result.skipped


def test_all_rows_identical(kaggle_frame):
    same = pd.concat([kaggle_frame.head(1)] * 30, ignore_index=True)
    result = run(csv_of(same))
    assert "same profile" in result.skipped["personas"]
    assert "trajectories" in result.skipped


def test_fewer_distinct_students_than_personas(kaggle_frame):
    three = pd.concat([kaggle_frame.iloc[[0, 1, 2]]] * 10, ignore_index=True)
    result = run(csv_of(three))
    assert len(result.personas) == 3
    assert any("Only 3 distinct student profiles" in w for w in result.warnings)
    assert result.students[PERSONA_ID].nunique() == 3


def test_impossible_values(kaggle_frame):
    frame = kaggle_frame.astype({"Attendance": float, "Exam_Score": float})
    frame.loc[3, "Attendance"] = -12
    frame.loc[7, "Exam_Score"] = 1e9
    result = run(csv_of(frame))
    attendance = next(w for w in result.warnings if "'Attendance'" in w)
    assert "impossible" in attendance and "row 5" in attendance and "-12" in attendance
    exam = next(w for w in result.warnings if "'Exam_Score'" in w and "impossible" in w)
    assert "row 9" in exam and "'1000000000'" in exam
    assert result.students["Exam_Score"].max() <= 105
    assert result.imputed["Attendance"] == 1 and result.imputed["Exam_Score"] == 1
    # The real file's one score of 101 is plausible (bonus marks) and kept.
    assert "Exam_Score" not in run(csv_of(kaggle_frame)).imputed


DIALECTS = {
    "semicolon": lambda frame: csv_of(frame, sep=";"),
    "tab": lambda frame: csv_of(frame, sep="\t"),
    "bom": lambda frame: b"\xef\xbb\xbf" + csv_of(frame),
    "latin1": lambda frame: frame.replace({"Gender": {"Female": "Féminin"}}).to_csv(index=False).encode("latin-1"),
    "crlf_quoted": lambda frame: frame.to_csv(index=False, quoting=1, lineterminator="\r\n").encode(),
    "utf16_tab": lambda frame: frame.to_csv(index=False, sep="\t").encode("utf-16"),  # Excel's "Unicode Text"
}


@pytest.fixture(scope="module")
def dialect_frame(kaggle_frame):
    frame = kaggle_frame.head(400).copy()
    frame.loc[0, "School_Type"] = "Public"
    return frame, run(csv_of(frame))


@pytest.mark.parametrize("variant", sorted(DIALECTS))
def test_csv_dialects_give_the_same_result(dialect_frame, variant):
    frame, baseline = dialect_frame
    result = run(DIALECTS[variant](frame))
    assert (result.students[PERSONA_ID] == baseline.students[PERSONA_ID]).all()
    assert list(result.mapping) == list(baseline.mapping)


def test_a_latin1_file_keeps_its_accents_and_says_it_was_not_utf8(kaggle_frame):
    frame = kaggle_frame.head(400).copy()
    frame["Gender"] = frame["Gender"].replace({"Female": "Féminin"})
    result = run(frame.to_csv(index=False).encode("latin-1"))
    assert "Féminin" in set(result.students["Gender"])
    assert [w for w in result.warnings if "not UTF-8" in w]


def test_uci_quoted_numbers_are_numbers(data_dir):
    result = analyse(read_bytes((data_dir / "uci_student_mat.csv").read_bytes(), "uci_student_mat.csv"))
    assert result.students["G2"].dtype.kind in "if"
    assert result.imputed == {}
