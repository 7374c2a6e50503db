"""The leadership report as one self-contained HTML document (styles and charts inline, no script, no link to
load), laid out for A4 with @page rules so the browser's print or headless Chromium gives a clean PDF."""
from __future__ import annotations

import re
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from analytics.insights.offline import SECTIONS, TITLES
from analytics.report import charts
from analytics.report.gather import ReportData

TEMPLATES = Path(__file__).with_name("templates")
# which facts each insight section rests on, shown beneath it
FIGURES = {"mega_pie_insights": "personas", "trajectory_wise_persona": "mix", "spider_chart_inferences": "themes",
           "gender_insights": "gender", "school_insights": "groups", "actionable_recommendations": "support"}


def markdown_line(text: str) -> Markup:
    """An insight line: escaped, with **bold** kept (the engines bold persona names)."""
    return Markup(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(str(text))))


def number(value, digits: int = 1) -> str:
    if value is None or value != value:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def percent(value, digits: int = 1) -> str:
    return "–" if value is None or value != value else f"{100 * value:.{digits}f}%"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(md=markdown_line, num=number, pct=percent)
    return env


def persona_chart(data: ReportData) -> Markup:
    items = [(p["name"], p["students"], f"{p['students']:,} ({percent(p['share'])})") for p in data.facts.personas]
    return Markup(charts.bars(items, "Students per persona"))


def trajectory_chart(data: ReportData) -> Markup:
    items = [(t["name"], t["students"], f"{t['students']:,} · mean {number(t['mean_exam'])}")
             for t in data.facts.trajectories]
    return Markup(charts.bars(items, "Students per trajectory", colours=["#0891b2"]))


def theme_charts(data: ReportData) -> list[tuple[str, Markup]]:
    return [(p["name"], Markup(charts.diverging(list(p["themes"].items()), f"Themes of {p['name']}")))
            for p in data.facts.personas]


def subject_chart(data: ReportData) -> Markup:
    items = [(s["subject"], s["share"], f"{s['below']:,} of {s['with_mark']:,} ({percent(s['share'])})")
             for s in data.subjects if not s["suppressed"]]
    return Markup(charts.bars(items, "Share below the bar per subject", colours=["#e11d48"], maximum=1.0))


def render(data: ReportData) -> str:
    """The whole document as a string."""
    sections = [{"key": key, "title": TITLES[key], "lines": data.insights.sections.get(key, []),
                 "figures": FIGURES[key]} for key in SECTIONS]
    gaps = [g for g in data.facts.gaps]
    template = _environment().get_template("report.html.j2")
    return template.render(
        d=data, k=data.kpis, facts=data.facts, insights=data.insights, sections=sections,
        persona_chart=persona_chart(data), trajectory_chart=trajectory_chart(data),
        theme_charts=theme_charts(data), subject_chart=subject_chart(data),
        gender_gaps=[g for g in gaps if g.by == "gender"], other_gaps=[g for g in gaps if g.by != "gender"],
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"))
