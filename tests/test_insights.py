"""The offline insight engine's statements are true on the Kaggle file (every number recomputed here), the
parser answers the common questions, the panels' callbacks, the CLI, and the key never reaching the browser."""
import json
import os
import re

import numpy as np
import pytest
from conftest import ROOT
from scipy import stats

from analytics.insights import ask, facts, offline
from callbacks import insights as insight_callbacks


def test_offline_statements_are_true_on_the_kaggle_file(kaggle):
    s = kaggle.students
    out = offline.write(facts.view_facts(kaggle))
    sizes = s["Persona"].astype(str).value_counts()
    means = s.groupby(s["Persona"].astype(str))["Exam_Score"].mean()
    largest = sizes.idxmax()
    assert out["mega_pie_insights"][0] == (f"**{largest}** is the largest persona in view: {sizes.max():,} of 6,607 "
                                           f"students ({sizes.max() / 6607:.0%}).")
    top, bottom = means.idxmax(), means.idxmin()
    assert out["mega_pie_insights"][1] == (f"Highest mean exam score: **{top}** ({means.max():.1f}); lowest: "
                                           f"**{bottom}** ({means.min():.1f}), {means.max() - means.min():.1f} points apart.")
    for line in out["trajectory_wise_persona"]:
        name = re.match(r"\*\*(.+?)\*\*", line).group(1)
        here = s["Trajectory"].astype(str) == name
        mix = s.loc[here, "Persona"].astype(str).value_counts()
        assert f"{here.sum():,} students ({here.mean():.0%}), mean exam score {s.loc[here, 'Exam_Score'].mean():.1f}" in line
        assert f"most are **{mix.idxmax()}** ({mix.max() / here.sum():.0%} of this trajectory)" in line
    for line in out["spider_chart_inferences"]:
        name = re.match(r"\*\*(.+?)\*\*", line).group(1)
        here = s["Persona"].astype(str) == name
        for label, value in re.findall(r"(?:on |, )([a-z ]+?) \(([+-]\d\.\d\d) SD\)", line):
            theme = next(t for t, lab in offline.THEME_LABELS.items() if lab == label.strip())
            assert float(value) == pytest.approx(s.loc[here, "z_" + theme].mean(), abs=0.006)
    female, male = (s.loc[s["Gender"] == g, "Exam_Score"] for g in ("Female", "Male"))
    p = stats.ttest_ind(female, male, equal_var=False).pvalue
    gender = " ".join(out["gender_insights"])
    assert f"Male: {len(male):,} students, Female: {len(female):,} students." in gender
    assert f"p = {p:.2f}" in gender and "No reliable exam score difference" in gender  # p = 0.87 here
    assert len(out["actionable_recommendations"]) == 5 and len(out["persona_names"]) == 5


def test_a_filtered_view_changes_the_story(kaggle):
    whole = offline.write(facts.view_facts(kaggle))
    name = kaggle.personas[0].name
    one = offline.write(facts.view_facts(kaggle, kaggle.students["Persona"].to_numpy() == name))
    assert one["mega_pie_insights"] != whole["mega_pie_insights"] and len(one["spider_chart_inferences"]) == 1
    assert one["mega_pie_insights"][0].startswith(f"**{name}** is the largest persona in view: "
                                                  f"{kaggle.personas[0].size:,} of {kaggle.personas[0].size:,}")


def test_significant_gap_is_reported_with_effect_size(kaggle):
    gap = facts.welch_gap("gender", "A", "B", np.array([70.0, 72, 74, 76, 71, 73] * 5),
                          np.array([60.0, 62, 64, 63, 61, 65] * 5))
    line = offline.gap_sentence(gap, "exam score")
    assert gap.significant and line.startswith("A students score 10.2 points higher than B students (72.7 vs 62.5")
    assert "large effect" in line and f"d = {gap.effect_size:.2f}" in line


def test_parser_counts_girls_in_public_schools_in_the_weakest_trajectory(kaggle):
    s = kaggle.students
    result = ask.answer(kaggle, "How many girls in public schools are in the weakest trajectory?")
    weakest = min(kaggle.trajectories, key=lambda t: t.mean_exam_score).name
    n = int(((s["Gender"] == "Female") & (s["School_Type"] == "Public") & (s["Trajectory"] == weakest)).sum())
    assert result.understood and result.text.startswith(f"{n:,} students") and result.table["students"].iat[0] == n


def test_parser_names_the_persona_with_the_lowest_attendance(kaggle):
    s = kaggle.students
    result = ask.answer(kaggle, "Which persona has the lowest attendance?")
    means = s.groupby(s["Persona"].astype(str))["Attendance"].mean()
    assert result.understood and not result.table.empty
    assert result.text.startswith(f"**{means.idxmin()}** has the lowest mean attendance: {means.min():.2f}")


def test_parser_averages_exam_score_by_parental_involvement(kaggle):
    s = kaggle.students
    result = ask.answer(kaggle, "Average exam score by parental involvement")
    means = s.groupby(s["Parental_Involvement"].astype(str))["Exam_Score"].mean().round(2)
    assert result.understood
    assert result.table.set_index("Parental_Involvement")["mean"].to_dict() == means.to_dict()


def test_parser_counts_boys(kaggle):
    result = ask.answer(kaggle, "How many boys?")
    s = kaggle.students
    assert result.understood and not result.table.empty
    assert result.text == f"{int((s['Gender'] == 'Male').sum()):,} students: Gender is Male."


def test_parser_says_when_it_cannot_answer(kaggle):
    result = ask.answer(kaggle, "Why is the sky blue?")
    assert not result.understood and result.table.empty and result.text.startswith("I could not work that")


def test_at_risk_question_lists_students_for_the_screen(kaggle):
    at_risk = kaggle.students["Exam_Score"].to_numpy() < 62
    result = ask.answer(kaggle, "Which boys are at risk?", at_risk=at_risk)
    boys = (kaggle.students["Gender"] == "Male").to_numpy()
    assert result.table["students"].iat[0] == int((at_risk & boys).sum()) == len(result.students)


def test_panels_callbacks_offline(store, kaggle_ready, analysis, monkeypatch):
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    view = {"dataset_id": kaggle_ready, "personas": 5}
    body, badge, facts_panel = insight_callbacks.insights_content(store, view, None)
    assert "built-in engine" in str(badge) and "6,607 of 6,607" in str(facts_panel)
    name = analysis.personas[1].name
    body2, _, _ = insight_callbacks.insights_content(store, view, {"persona": [name]})
    assert str(body2) != str(body)
    history = insight_callbacks.ask_content(store, view, None, "How many boys?", [], None, None)
    assert history[-1]["answer"] == "3,814 students: Gender is Male." and history[-1]["engine"] == "offline"
    assert history[-1]["table"] == [{"condition": "Gender is Male", "students": 3814}]
    history = insight_callbacks.ask_content(store, view, {"school": ["Private"]}, "How many boys?", history, None, None)
    boys_private = int(((analysis.students["Gender"] == "Male") & (analysis.students["School_Type"] == "Private")).sum())
    assert len(history) == 2 and history[-1]["answer"].startswith(f"{boys_private:,} students")


def test_the_api_key_never_reaches_the_browser(app_module, store, kaggle_id, kaggle_path, monkeypatch):
    """The app with a key set and Gemini pointed at a dead local port: nothing it serves holds the key."""
    from plotly.io.json import to_json_plotly

    secret = "AIzaSECRET-do-not-leak-4242"
    monkeypatch.setenv("GEMINI_API_KEY", secret)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("COHORT_ATLAS_MAP_WORKER", "0")
    client = app_module.create_app(store=store, default_data=str(kaggle_path), start=False).server.test_client()
    served = [client.get(url).get_data(as_text=True) for url in ["/", "/_dash-layout", "/_dash-dependencies",
                                                                 "/_dash-config"]]
    assets = os.path.join(ROOT, "assets")
    served += [client.get("/assets/" + name).get_data(as_text=True) for name in sorted(os.listdir(assets))
               if os.path.isfile(os.path.join(assets, name))]
    store.run_jobs(kaggle_id)
    view = {"dataset_id": kaggle_id, "personas": 5}
    panel = to_json_plotly(list(insight_callbacks.insights_content(store, view, None)))
    answer = to_json_plotly(insight_callbacks.ask_content(store, view, None, "How many boys?", [], None, None))
    served += [panel, answer]
    assert all(len(page) > 0 for page in served) and len(served) >= 6
    assert not [page[:80] for page in served if secret in page]
    assert "built-in" in panel  # Gemini could not be reached: the built-in engine wrote it, and says so


def test_cli_insights_and_ask(cli, kaggle_path):
    out = cli("insights", kaggle_path, "--where", "Gender=Female", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["engine"] == "offline" and doc["facts"]["students"] == 2793
    assert set(offline.SECTIONS) <= set(doc) and doc["persona_names"]
    text = cli("insights", kaggle_path).stdout
    assert "Personas and outcomes" in text and "written by the offline engine" in text
    bad = cli("insights", kaggle_path, "--where", "Colour=Blue")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no column 'Colour'" in bad.stderr
    asked = json.loads(cli("ask", kaggle_path, "How many boys?", "--json").stdout)
    assert asked["answer"] == "3,814 students: Gender is Male." and asked["table"][0]["students"] == 3814
    unknown = cli("ask", kaggle_path, "Why?")
    assert unknown.returncode == 1 and "I could not work that question out" in unknown.stdout


def test_parser_compares_two_groups_with_interval_and_effect(kaggle):
    s = kaggle.students
    result = ask.answer(kaggle, "Compare exam score between Low and High motivation")
    low, high = (s.loc[s["Motivation_Level"].astype(str) == v, "Exam_Score"] for v in ("Low", "High"))
    row = result.table.iloc[0]
    assert row["difference"] == pytest.approx(low.mean() - high.mean(), abs=0.01)
    assert result.text.startswith(f"Mean exam score: Low vs High differ by {low.mean() - high.mean():+.2f}")
    assert "p < 0.001" in result.text and f"d = {row['effect_size_d']:.2f}" in result.text
