"""`python -m analytics` as a batch user runs it."""
import json
import subprocess
import sys

import pandas as pd
from conftest import ROOT


def cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "analytics", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_summarize_json_has_every_promised_key(kaggle_path):
    out = cli("summarize", kaggle_path, "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["rows"] == 6607
    assert doc["mapping"]["exam_score"] == "Exam_Score" and doc["mapping"]["gender"] == "Gender"
    assert doc["imputed"] == {"Teacher_Quality": 78, "Parental_Education_Level": 90, "Distance_from_Home": 67}
    assert len(doc["personas"]) == 5 and len(doc["trajectories"]) == 3
    for p in doc["personas"]:
        assert {"name", "size", "mean_exam_score", "centroid"} <= set(p) and len(p["centroid"]) == 8
    for t in doc["trajectories"]:
        assert {"name", "size", "centroid"} <= set(t)
    assert doc["skipped"] == {} and isinstance(doc["warnings"], list)
    assert {"read", "clean", "personas", "trajectories", "outliers", "total"} <= set(doc["timings"])
    out = doc["outliers"]
    assert out["method"] == "dbscan" and {"eps", "min_samples"} <= set(out["params"])
    assert out["count"] == len(out["items"]) > 0
    themes = set(doc["personas"][0]["centroid"])
    for item in out["items"]:
        assert 0 <= item["row"] < 6607 and item["reasons"] and set(item["reasons"]) <= themes


def test_summarize_text_and_persona_count(kaggle_path):
    out = cli("summarize", kaggle_path, "--personas", 3)
    assert out.returncode == 0, out.stderr
    assert "6,607 students" in out.stdout and "3. " in out.stdout and "4. " not in out.stdout.split("Trajectories")[0]
    assert "Timings" in out.stdout


def test_summarize_reports_skipped_models(data_dir):
    doc = json.loads(cli("summarize", data_dir / "exams_students_performance.csv", "--json").stdout)
    assert "trajectories" in doc["skipped"]


def test_bad_file_exits_non_zero_with_one_line(tmp_path):
    bad = tmp_path / "grades.csv"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    out = cli("summarize", bad)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "grades.csv" in lines[0] and "Excel" in lines[0]


def test_bad_persona_count_and_missing_file(kaggle_path, tmp_path):
    out = cli("summarize", kaggle_path, "--personas", 12)
    assert out.returncode == 2 and "between 2 and 8" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    out = cli("summarize", tmp_path / "missing.csv")
    assert out.returncode == 2 and "missing.csv" in out.stderr


def test_size_limit_is_configurable(kaggle_path):
    out = cli("summarize", kaggle_path, "--max-mb", "0.1")
    assert out.returncode == 2 and "limit" in out.stderr


def test_generate_writes_the_requested_rows(tmp_path):
    target = tmp_path / "demo.csv"
    out = cli("generate", "--rows", 1234, "--seed", 5, "--out", target)
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(target)
    assert len(frame) == 1234 and frame.shape[1] == 20
    again = tmp_path / "again.csv"
    cli("generate", "--rows", 1234, "--seed", 5, "--out", again)
    assert target.read_bytes() == again.read_bytes()
    assert json.loads(cli("summarize", target, "--json").stdout)["rows"] == 1234


def test_summarize_json_risk_block_and_pass_mark(kaggle_path, data_dir):
    out = cli("summarize", kaggle_path, "--json", "--pass-mark", 70)
    assert out.returncode == 0, out.stderr
    risk = json.loads(out.stdout)["risk"]
    assert risk["pass_mark"] == 70 and 0 < risk["at_risk"] < 6607
    for name in ("model", "baseline_mean", "baseline_previous"):
        assert set(risk["cv"][name]) == {"mae", "rmse", "auc", "accuracy"}
    assert risk["cv"]["model"]["mae"] < risk["cv"]["baseline_mean"]["mae"]
    scores = pd.read_csv(kaggle_path)["Exam_Score"]
    assert abs(risk["at_risk"] - int((scores < 70).sum())) < 0.1 * 6607  # close to the students who did fall short
    no_scores = json.loads(cli("summarize", data_dir / "xapi_edu_data.csv", "--json").stdout)
    assert no_scores["risk"] is None and "no exam score column" in no_scores["skipped"]["risk"]
    text = cli("summarize", kaggle_path, "--pass-mark", "65").stdout
    assert "pass mark 65 (set by the user)" in text and "predict the mean" in text
