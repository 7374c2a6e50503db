"""`python -m analytics` as a batch user runs it. The logic runs in this process (conftest's `cli`); two real
subprocess runs check what only a process shows: the exit status and a one-line message on stderr."""
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT


def subprocess_cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "analytics", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def summary(kaggle_path):
    """`summarize --json --pass-mark 70` of the Kaggle file, run once for the module."""
    import contextlib
    import io

    import analytics.__main__ as command

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = command.main(["summarize", str(kaggle_path), "--json", "--pass-mark", "70"])
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_summarize_json_has_every_promised_key(summary):
    doc = summary
    assert doc["rows"] == 6607
    assert doc["mapping"]["exam_score"] == "Exam_Score"
    assert doc["mapping"]["gender"] == "Gender"
    assert doc["imputed"] == {"Teacher_Quality": 78, "Parental_Education_Level": 90, "Distance_from_Home": 67}
    assert len(doc["personas"]) == 5 and len(doc["trajectories"]) == 3
    for p in doc["personas"]:
        assert {"name", "size", "mean_exam_score", "centroid"} <= set(p) and len(p["centroid"]) == 8
    for t in doc["trajectories"]:
        assert {"name", "size", "centroid"} <= set(t)
    assert doc["skipped"] == {}
    filled = [w for w in doc["warnings"] if "filled in" in w]
    assert sorted(w.split("'")[1] for w in filled) == sorted(doc["imputed"])  # one per repaired column
    assert [w for w in doc["warnings"] if w not in filled] == [
        "Column 'Exam_Score': 1 value(s) above 100, the top of its scale: '101' at row 1527; kept as entered "
        "(bonus marks?)."]
    assert {"read", "clean", "personas", "trajectories", "outliers", "total"} <= set(doc["timings"])
    out = doc["outliers"]
    assert out["method"] == "dbscan" and {"eps", "min_samples"} <= set(out["params"])
    assert out["count"] == len(out["items"]) > 0
    themes = set(doc["personas"][0]["centroid"])
    for item in out["items"]:
        assert 0 <= item["row"] < 6607 and item["reasons"] and set(item["reasons"]) <= themes


def test_summarize_json_risk_block_and_pass_mark(summary, kaggle_path):
    risk = summary["risk"]
    assert risk["pass_mark"] == 70 and 0 < risk["at_risk"] < 6607
    passfail = {"n", "below", "accuracy", "accuracy_ci", "auc", "auc_ci", "brier", "brier_ci"}
    for name in ("model", "baseline_mean", "baseline_previous"):
        assert {"mae", "rmse"} | passfail <= set(risk["cv"][name])
    for name in ("regression", "classifier", "blend"):  # every approach, with its Brier score as risk.cv.<name>.brier
        assert set(risk["cv"][name]) == passfail and risk["cv"][name]["n"] == 6607
    assert risk["cv"]["model"]["mae"] < risk["cv"]["baseline_mean"]["mae"]
    chosen = risk["passfail"]["chosen"]
    assert risk["passfail"]["pass_mark"] == 70 and risk["passfail"]["refitted"]  # fitted for the mark asked
    assert risk["cv"]["model"]["brier"] == min(risk["cv"][c]["brier"] for c in ("regression", "classifier", "blend")
                                               if risk["cv"][c]["accuracy"] >= risk["cv"]["baseline_mean"]["accuracy"])
    assert risk["cv"]["model"]["approach"] == chosen and len(risk["passfail"]["reliability"]) == 10
    scores = pd.read_csv(kaggle_path)["Exam_Score"]
    assert abs(risk["at_risk"] - int((scores < 70).sum())) < 0.1 * 6607  # close to the students who did fall short


def test_summarize_text_persona_count_and_pass_mark(cli, kaggle_path):
    out = cli("summarize", kaggle_path, "--personas", 3, "--pass-mark", "65")
    assert out.returncode == 0, out.stderr
    personas = out.stdout.split("Trajectories")[0]
    assert "6,607 students" in out.stdout and "3. " in personas and "4. " not in personas
    assert "Timings" in out.stdout
    assert "pass mark 65 (set by the user)" in out.stdout and "predict the mean" in out.stdout
    assert "Brier" in out.stdout and "Against the strongest baseline on each metric" in out.stdout


def test_summarize_reports_skipped_models(cli, data_dir):
    out = cli("summarize", data_dir / "exams_students_performance.csv", "--json", "--no-risk")
    assert out.returncode == 0, out.stderr
    assert "trajectories" in json.loads(out.stdout)["skipped"]


def test_a_file_without_exam_scores_gets_no_risk_block(cli, data_dir):
    doc = json.loads(cli("summarize", data_dir / "xapi_edu_data.csv", "--json").stdout)
    assert doc["risk"] is None and "no exam score column" in doc["skipped"]["risk"]


def test_bad_file_exits_non_zero_with_one_line(tmp_path):
    bad = tmp_path / "grades.csv"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    out = subprocess_cli("summarize", bad)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "grades.csv" in lines[0] and "Excel" in lines[0]


def test_bad_persona_count_exits_non_zero_with_one_line(kaggle_path):
    out = subprocess_cli("summarize", kaggle_path, "--personas", 12)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "between 2 and 8" in lines[0]


def test_missing_file(cli, tmp_path):
    out = cli("summarize", tmp_path / "missing.csv")
    assert out.returncode == 2 and out.stdout == ""
    assert "missing.csv" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_size_limit_is_configurable(cli, kaggle_path):
    out = cli("summarize", kaggle_path, "--max-mb", "0.1")
    assert out.returncode == 2 and "limit" in out.stderr


def test_generate_writes_the_requested_rows(cli, tmp_path):
    target = tmp_path / "demo.csv"
    out = cli("generate", "--rows", 1234, "--seed", 5, "--out", target)
    assert out.returncode == 0, out.stderr
    assert "wrote 1,234 students" in out.stderr
    frame = pd.read_csv(target)
    assert len(frame) == 1234 and frame.shape[1] == 20
    again = tmp_path / "again.csv"
    assert cli("generate", "--rows", 1234, "--seed", 5, "--out", again).returncode == 0
    assert target.read_bytes() == again.read_bytes()
    other = tmp_path / "other.csv"
    cli("generate", "--rows", 1234, "--seed", 6, "--out", other)
    assert target.read_bytes() != other.read_bytes()
    doc = json.loads(cli("summarize", target, "--json", "--no-risk").stdout)
    assert doc["rows"] == 1234 and "risk" not in doc


def test_generate_refuses_no_rows(cli, tmp_path):
    out = cli("generate", "--rows", 0, "--out", tmp_path / "none.csv")
    assert out.returncode == 2 and "at least 1" in out.stderr and not (tmp_path / "none.csv").exists()
