"""The leadership report: its numbers recomputed with pandas, self-contained (nothing to load), no names or ids
unless the student list is asked for, small groups left out, a PDF with pages and the headline numbers, and
the command line's one-line errors."""
import re

import numpy as np
import pandas as pd
import pytest

from analytics.analysis import analyse
from analytics.ingest.read import read_bytes
from analytics.ingest.school import generate_school
from analytics.report import pdf
from analytics.report.build import build
from analytics.report.render import render


def figures(html: str, key: str) -> list[str]:
    return re.findall(rf'data-figure="{key}">([^<]*)<', html)


def number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


@pytest.fixture(scope="module")
def kaggle_report(kaggle, kaggle_risk, kaggle_whatif):
    return render(build(kaggle, risk=kaggle_risk, ctx=kaggle_whatif))


@pytest.fixture(scope="module")
def school_frame():
    return generate_school(400, 11)


@pytest.fixture(scope="module")
def school(school_frame):
    return analyse(read_bytes(school_frame.to_csv(index=False).encode(), "school.csv"), outliers=False)


def test_headline_numbers_match_pandas(kaggle_report, kaggle_path):
    frame = pd.read_csv(kaggle_path)
    assert number(figures(kaggle_report, "students")[0]) == len(frame)
    assert figures(kaggle_report, "mean_exam")[0] == f"{frame['Exam_Score'].mean():.1f}"
    bar = frame["Exam_Score"].quantile(0.25)
    assert number(figures(kaggle_report, "subject-below")[0]) == (frame["Exam_Score"] < bar).sum()


def test_persona_and_trajectory_sizes_match_the_students(kaggle_report, kaggle):
    sizes = kaggle.students["Persona"].astype(str).value_counts()
    shown = dict(re.findall(r'<tr data-persona="([^"]+)"><td>[^<]*</td><td class="n" data-figure="persona-students">'
                            r'([^<]+)<', kaggle_report))
    assert {name: int(number(n)) for name, n in shown.items()} == sizes.to_dict()
    means = kaggle.students.groupby(kaggle.students["Persona"].astype(str))["Exam_Score"].mean().round(2)
    assert sorted(number(v) for v in figures(kaggle_report, "persona-mean")) == sorted(means.tolist())
    trajectories = sorted(kaggle.students["Trajectory"].value_counts().tolist())
    assert sorted(int(number(v)) for v in figures(kaggle_report, "trajectory-students")) == trajectories


def test_at_risk_and_baselines_are_the_models(kaggle_report, kaggle, kaggle_risk):
    from analytics.predict.risk_summary import cv_summary

    summary = cv_summary(kaggle_risk, kaggle)
    assert number(figures(kaggle_report, "at_risk")[0]) == summary["at_risk"]
    y = kaggle.students["Exam_Score"].to_numpy(dtype=float)
    # the mean baseline's error, recomputed: near the spread of the scores about their mean
    assert number(figures(kaggle_report, "mae-baseline_mean")[0]) == pytest.approx(np.abs(y - y.mean()).mean(), abs=0.05)
    assert number(figures(kaggle_report, "mae-model")[0]) < number(figures(kaggle_report, "mae-baseline_mean")[0])


def test_a_view_reports_its_students_only(kaggle, kaggle_risk, kaggle_whatif, kaggle_path):
    frame = pd.read_csv(kaggle_path)
    keep = (frame["Gender"] == "Female").to_numpy()
    html = render(build(kaggle, keep, view=["Gender=Female"], risk=kaggle_risk, ctx=kaggle_whatif))
    assert number(figures(html, "students")[0]) == keep.sum()
    assert figures(html, "mean_exam")[0] == f"{frame.loc[keep, 'Exam_Score'].mean():.1f}"
    assert "Gender=Female" in html


def test_self_contained_nothing_to_load(kaggle_report):
    lowered = kaggle_report.lower()
    for needle in ("<script", "<link", "src=", "@import", "url(", "http://", "https://"):
        assert needle not in lowered, needle
    assert lowered.count("<svg") >= 3 and "@page" in lowered and "size: a4" in lowered


def test_six_insight_sections_each_with_its_figures(kaggle_report):
    from analytics.insights.offline import TITLES

    for title in TITLES.values():
        assert f"<h3>{title}</h3>" in kaggle_report
    assert kaggle_report.count("Figures behind it") == 6


def test_no_names_or_ids_unless_the_student_list_is_asked_for(school, school_frame):
    plain = render(build(school))
    for column in ("UPN", "Student Name"):
        assert not any(str(v) in plain for v in school_frame[column]), column
    listed = render(build(school, include_students=True))
    assert "Student list (staff only)" in listed
    assert any(str(v) in listed for v in school_frame["UPN"])


def test_small_groups_are_left_out(school_frame):
    frame = school_frame.copy()
    frame["SEN"] = "N"
    frame.loc[:5, "SEN"] = "E"  # six pupils with an EHC plan: under the threshold of 10
    frame.loc[6:80, "SEN"] = "K"
    html = render(build(analyse(read_bytes(frame.to_csv(index=False).encode(), "s.csv"), outliers=False)))
    assert "EHC plan (E)" not in html and "SEN support (K)" in html
    assert "group(s) with fewer than 10 students are left out" in html


def test_pdf_has_pages_and_the_headline_numbers(kaggle_report, kaggle_path):
    from pypdf import PdfReader
    import io

    if pdf.chromium() is None:
        pytest.skip("no Chromium on this machine")
    reader = PdfReader(io.BytesIO(pdf.pdf_bytes(kaggle_report)))
    assert len(reader.pages) >= 3
    text = " ".join(page.extract_text() for page in reader.pages)
    frame = pd.read_csv(kaggle_path)
    assert f"{len(frame):,}" in text and f"{frame['Exam_Score'].mean():.1f}" in text
    assert "Model quality beside its baselines" in text and "Data quality" in text
    box = reader.pages[0].mediabox  # A4: 595 x 842 points
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842


def test_cli_writes_html_and_pdf(cli, kaggle_path, tmp_path):
    out, printed = tmp_path / "r.html", tmp_path / "r.pdf"
    run = cli("report", kaggle_path, "--out", out, "--pdf", printed, "--where", "School_Type=Public")
    assert run.returncode == 0, run.stderr
    frame = pd.read_csv(kaggle_path)
    html = out.read_text()
    assert number(figures(html, "students")[0]) == (frame["School_Type"] == "Public").sum()
    assert printed.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("args, words", [
    (["--where", "Nope=1"], "no column 'Nope'"),
    (["--where", "Gender=Nobody"], "no student has Gender = Nobody"),
    (["--reference", "missing.csv"], "missing.csv"),
])
def test_cli_bad_input_is_one_line(cli, kaggle_path, tmp_path, args, words):
    run = cli("report", kaggle_path, "--out", tmp_path / "r.html", *args)
    assert run.returncode == 2 and words in run.stderr and run.stderr.count("\n") == 1


def test_cli_without_chromium_says_so_in_one_line(cli, kaggle_path, tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_ATLAS_CHROMIUM", "no-such-browser")
    run = cli("report", kaggle_path, "--out", tmp_path / "r.html", "--pdf", tmp_path / "r.pdf")
    assert run.returncode == 2 and "no Chromium found" in run.stderr and run.stderr.count("\n") == 1


def test_benchmarks_against_a_reference_for_the_view(school_frame, school):
    from analytics.compare.reference import load_reference
    from conftest import ROOT

    keep = (school_frame["Year Group"] == 10).to_numpy()
    reference = load_reference(str(ROOT / "examples" / "reference-england-ks4.csv"))
    html = render(build(school, keep, reference=reference))
    assert "Against the reference (reference-england-ks4.csv)" in html
    absence = 100 - school_frame.loc[keep, "Attendance %"].mean()
    row = re.search(r"<td>Attendance</td><td>absence_rate</td><td>all</td><td class=\"n\">([^<]+)</td>", html)
    assert row and row.group(1) == f"{absence:.1f}"
    assert "https://" not in html  # sources are named in the reference file, not linked from the report


def test_gemini_writes_the_insights_from_aggregates_only(school_frame, school, monkeypatch):
    import json as json_module

    from fake_gemini import FakeGemini, text_reply

    sections = {"mega_pie_insights": ["**A** is largest."], "trajectory_wise_persona": ["Steady."],
                "spider_chart_inferences": ["High attendance."], "gender_insights": ["No reliable gap."],
                "school_insights": ["No reliable gap."], "actionable_recommendations": ["Follow up attendance."],
                "persona_names": []}
    fake = FakeGemini()
    try:
        fake.reply(text_reply(json_module.dumps(sections)))
        monkeypatch.setenv("GEMINI_API_KEY", "test-key-not-real-0123456789")
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
        html = render(build(school))
    finally:
        fake.close()
    assert figures(html, "engine") == ["Gemini"] and "Follow up attendance." in html
    (request,) = fake.requests
    assert not any(v in request["body"] for v in school_frame["UPN"])
    assert not any(v in request["body"] for v in school_frame["Student Name"])


def test_without_a_risk_model_the_report_says_why_and_can_still_list_students(school_frame):
    frame = school_frame.drop(columns=["Maths Mock", "English Mock", "Science Mock", "Art Grade"])
    result = analyse(read_bytes(frame.to_csv(index=False).encode(), "no-marks.csv"), outliers=False)
    plain = render(build(result))
    assert "No risk model: this file has no exam scores to learn from." in plain
    assert not any(name in plain for name in frame["Student Name"])
    listed = render(build(result, include_students=True))
    assert "Students in view, in the file&#39;s order" in listed or "Students in view, in the file's order" in listed
    assert frame["Student Name"].iloc[0] in listed
