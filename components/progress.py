"""The Progress panel: mean progress by group with 95 % intervals, the share on track, and what progress means."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
from dash import html

from . import ids
from .figures import wrap
from .plot import Figure, trace
from .theme import GRID, MUTED, base_layout

AHEAD, BEHIND, FADED = "#2563eb", "#f97316", "#cbd5e1"


def progress_body(chart) -> list:
    """Controls, the chart (built by the layout) and the lines under it."""
    def select(control: str, label: str):
        return html.Div([html.Label(label, htmlFor=control, className="settings-label me-2"),
                         dbc.Select(id=control, options=[], size="sm", className="radar-select")],
                        className="d-flex align-items-center me-3 mb-2")

    controls = html.Div([select(ids.PROGRESS_SUBJECT, "Progress in"), select(ids.PROGRESS_BY, "Grouped by")],
                        id=ids.PROGRESS_CONTROLS, className="d-flex flex-wrap")
    return [html.P(id=ids.PROGRESS_MEANING, className="panel-subtitle"), controls,
            html.Div(id=ids.PROGRESS_SUMMARY, className="table-count mb-2"),
            html.Div(chart, id=ids.PROGRESS_GRAPH), html.Div(id=ids.PROGRESS_NOTE)]


def _signed(value: float, unit: str) -> str:
    return f"{value:+.2f} {unit}" if unit == "SD" else f"{value:+.1f} {unit}"


def meaning(subject_label: str, prior_label: str, unit: str, target: str, method: str) -> str:
    """One line in plain words: what a progress score is, in this panel's unit."""
    how = ("a curve fitted to this file, each student scored by a fit that did not include them"
           if method == "curve" else "the mean of the other students in the same third of prior attainment")
    scale = ("points on the subject's scale" if unit == "points" else
             "standard deviations of each subject's results, averaged over a student's subjects")
    return (f"Progress compares each student's {subject_label} result with what students with the same prior "
            f"attainment ({prior_label}) reached ({how}): 0 = as expected, above 0 = more than similar students, "
            f"in {scale}. On track = {target}.")


def summary(overall, unit: str, sd: float | None, min_group: int) -> str:
    if overall["suppressed"] or np.isnan(overall["mean"]):
        return (f"Fewer than {min_group} students in view have a progress score; the average is not reported."
                if overall["students"] else "No student in view has a progress score.")
    sd_text = f" ({overall['mean'] / sd:+.2f} SD)" if sd else ""
    ci = (f", 95% interval {overall['low']:+.2f} to {overall['high']:+.2f}" if not np.isnan(overall["low"]) else "")
    return (f"Mean progress {_signed(overall['mean'], unit)}{sd_text}{ci} over {overall['students']:,} students; "
            f"{overall['on_track']:.0%} of results on track.")


def missing_text(no_mark: int, no_prior: int) -> str | None:
    parts = [f"{no_mark:,} with no mark" if no_mark else "",
             f"{no_prior:,} with no prior attainment on file" if no_prior else ""]
    parts = [p for p in parts if p]
    return ("Students in view without a progress score: " + " and ".join(parts) + " (they are left out, not "
            "given one).") if parts else None


def progress_chart(table, unit: str, sd: float | None, key: str | None, selected: list[str] | None) -> Figure:
    """Horizontal bars of mean progress per group with 95 % interval whiskers; groups too small to report are
    left out (the note says how many). customdata = [filter key or None, group]: a click filters to it."""
    shown = table[~table["suppressed"] & table["mean"].notna()]
    chosen = set(selected or [])
    colours = [FADED if chosen and g not in chosen else (AHEAD if m >= 0 else BEHIND)
               for g, m in zip(shown["group"], shown["mean"])]
    digits = ".2f" if unit == "SD" else ".1f"
    extra = [f"<br>{m / sd:+.2f} SD" if sd else "" for m in shown["mean"]]
    hover = [f"<b>{g}</b><br>Mean progress {m:+{digits}} {unit}{e}<br>95% interval "
             + (f"{lo:+{digits}} to {hi:+{digits}}" if not np.isnan(lo) else "not available (one student)")
             + f"<br>{n:,} students · {share:.0%} on track"
             for g, m, lo, hi, n, share, e in zip(shown["group"], shown["mean"], shown["low"], shown["high"],
                                                  shown["students"], shown["on_track"], extra)]
    fig = Figure(trace(
        "bar", orientation="h", y=[wrap(g, 22) for g in shown["group"]], x=shown["mean"].round(4).tolist(),
        error_x={"type": "data", "symmetric": False, "array": (shown["high"] - shown["mean"]).round(4).tolist(),
                 "arrayminus": (shown["mean"] - shown["low"]).round(4).tolist(), "color": MUTED, "thickness": 1.5},
        marker={"color": colours}, hovertext=hover, hoverinfo="text",
        customdata=[[key, g] for g in shown["group"]]))
    fig.update_layout(base_layout(height=max(160, 60 + 34 * len(shown)), showlegend=False, bargap=0.35,
                                  margin={"l": 10, "r": 20, "t": 10, "b": 40}))
    fig.update_xaxes(title={"text": f"Mean progress ({unit})", "font": {"size": 12, "color": MUTED}},
                     zeroline=True, zerolinecolor=MUTED, zerolinewidth=1.5, gridcolor=GRID)
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig
