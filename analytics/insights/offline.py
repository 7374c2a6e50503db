"""The offline insight engine: the six sections and persona names, written from the view's facts alone.

It runs with no key and whenever Gemini fails, so the panel is never empty. Every number it writes is a
figure in `Facts` (tests recompute each one from the data).
"""
from __future__ import annotations

from analytics.insights.facts import Facts, Gap
from analytics.models.themes import THEME_LABELS
from analytics.predict.support import SUPPORT

SECTIONS = ["mega_pie_insights", "trajectory_wise_persona", "spider_chart_inferences", "gender_insights",
            "school_insights", "actionable_recommendations"]
TITLES = {"mega_pie_insights": "Personas and outcomes", "trajectory_wise_persona": "Trajectories by persona",
          "spider_chart_inferences": "How each persona behaves", "gender_insights": "Gender",
          "school_insights": "School type and groups", "actionable_recommendations": "What to do"}
THEME_BY_LABEL = {label: theme for theme, label in THEME_LABELS.items()}


def effect_words(d: float) -> str:
    size = abs(d)
    return ("negligible" if size < 0.2 else "small" if size < 0.5 else "medium" if size < 0.8 else "large")


def gap_sentence(gap: Gap, exam: str) -> str:
    if not gap.significant:
        return (f"No reliable {exam} difference between {gap.a} and {gap.b} students "
                f"({gap.mean_a:.1f} vs {gap.mean_b:.1f}; difference {gap.difference:.1f}, 95% interval "
                f"{gap.low:.1f} to {gap.high:.1f}, p = {gap.p_value:.2f}).")
    return (f"{gap.a} students score {gap.difference:.1f} points higher than {gap.b} students "
            f"({gap.mean_a:.1f} vs {gap.mean_b:.1f}; 95% interval {gap.low:.1f} to {gap.high:.1f}, "
            f"p = {gap.p_value:.3g}); a {effect_words(gap.effect_size)} effect (d = {gap.effect_size:.2f}).")


def _groups(facts: Facts, by: str, exam: str) -> list[str]:
    groups = facts.groups.get(by)
    if groups is None:
        return [f"This file has no {by} column."]
    if len(groups) < 2:
        return [f"Only one {by} group with at least {facts.min_group} students is in this view."]
    lines = [", ".join(f"{g['group']}: {g['students']:,} students" for g in groups) + "."]
    if exam:
        lines += [gap_sentence(g, exam) for g in facts.gaps if g.by == by]
    return lines


def persona_name(persona: dict) -> str:
    strong = persona["strongest"][0] if persona["strongest"] else None
    weak = persona["weakest"][0] if persona["weakest"] else None
    if strong and weak:
        return f"Strong {strong}, low {weak}".capitalize()
    return f"Strong {strong}".capitalize() if strong else f"Low {weak}".capitalize() if weak else persona["name"]


def write(facts: Facts) -> dict:
    """{section: [markdown lines]} plus `persona_names` [{persona, suggested_name}]."""
    exam = facts.exam_label or "exam score"
    out: dict[str, list] = {s: [] for s in SECTIONS}
    personas = facts.personas
    if not personas:
        out["mega_pie_insights"].append("No personas in this view (too few students, or the file lacks the "
                                        "theme columns).")
    else:
        largest = max(personas, key=lambda p: p["students"])
        out["mega_pie_insights"].append(f"**{largest['name']}** is the largest persona in view: "
                                        f"{largest['students']:,} of {facts.students:,} students "
                                        f"({largest['share']:.0%}).")
        scored = [p for p in personas if p["mean_exam"] is not None]
        if len(scored) >= 2:
            top, bottom = scored[0], scored[-1]
            out["mega_pie_insights"].append(
                f"Highest mean {exam}: **{top['name']}** ({top['mean_exam']:.1f}); lowest: **{bottom['name']}** "
                f"({bottom['mean_exam']:.1f}), {top['mean_exam'] - bottom['mean_exam']:.1f} points apart.")
    for trajectory in facts.trajectories:
        mix = [m for m in facts.trajectory_mix if m["trajectory"] == trajectory["name"]]
        line = (f"**{trajectory['name']}**: {trajectory['students']:,} students ({trajectory['share']:.0%}), "
                f"mean {exam} {trajectory['mean_exam']:.1f}")
        if mix:
            main = max(mix, key=lambda m: m["students"])
            line += f"; most are **{main['persona']}** ({main['share_of_trajectory']:.0%} of this trajectory)"
        out["trajectory_wise_persona"].append(line + ".")
    if not facts.trajectories:
        out["trajectory_wise_persona"].append("No trajectories: the file needs previous and exam score columns.")
    for persona in personas:
        themes = persona["themes"]
        strong = ", ".join(f"{t} ({themes[t]:+.2f} SD)" for t in persona["strongest"])
        weak = ", ".join(f"{t} ({themes[t]:+.2f} SD)" for t in persona["weakest"])
        sd = f"{facts.notable_sd:g} SD or more"
        if not strong and not weak:
            text = f"no theme is {sd} from the cohort: nothing stands out"
        else:
            text = ((f"highest on {strong}" if strong else f"nothing stands {sd} above the cohort") + "; "
                    + (f"lowest on {weak}" if weak else f"nothing stands {sd} below it"))
        out["spider_chart_inferences"].append(f"**{persona['name']}**: {text}.")
    out["gender_insights"] = _groups(facts, "gender", exam)
    judged = [by for by in ("year group", "FSM", "SEN", "EAL") if by in facts.groups]
    out["school_insights"] = (_groups(facts, "school type", exam) if "school type" in facts.groups or not judged
                              else [])
    for by in judged:  # the groups a school is judged on: the disadvantage, SEN and EAL gaps
        out["school_insights"] += _groups(facts, by, exam)
    for persona in personas:
        if not persona["weakest"]:
            continue
        weakest = persona["weakest"][0]
        theme = THEME_BY_LABEL.get(weakest)
        if theme in SUPPORT:
            out["actionable_recommendations"].append(
                f"**{persona['name']}** ({persona['students']:,} students): {SUPPORT[theme].lower()} "
                f"(their weakest theme is {weakest}, {persona['themes'][weakest]:+.2f} SD).")
    if not personas:
        out["actionable_recommendations"].append("No personas in this view, so there is no support to suggest "
                                                 "per persona.")
    elif not out["actionable_recommendations"]:
        out["actionable_recommendations"].append(f"No persona stands {facts.notable_sd:g} SD or more below the "
                                                 "cohort on any theme in this view.")
    if facts.suppressed:
        out["mega_pie_insights"].append(f"{facts.suppressed} group(s) with fewer than {facts.min_group} students "
                                        "are left out of these figures.")
    out["persona_names"] = [{"persona": p["name"], "suggested_name": persona_name(p)} for p in personas]
    return out
