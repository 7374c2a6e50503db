"""The student map: its section of the page and its figure (one WebGL point per student).

Every point's customdata is its 0-based data row, so clicks and lasso selections map back to students.
Above AGGREGATE_ABOVE students the browser gets a binned density of everyone plus a seeded sample of
points: 200k WebGL points with hover text would be tens of MB per update.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from _plotly_utils.utils import to_typed_array_spec
from dash import Patch, dcc, html

from . import ids
from .figures import empty
from .plot import Figure
from .theme import base_layout

AGGREGATE_ABOVE = 100_000
SAMPLE_POINTS = 20_000
DENSITY_BINS = 160
OUTSIDE = "#cbd5e1"  # students outside the current filters
RING = "#0f172a"
SCORE_SCALE = [[0, "#dc2626"], [0.5, "#facc15"], [1, "#059669"]]  # low to high, as the trajectory ramp
RISK_SCALE = [[0, "#059669"], [0.5, "#facc15"], [1, "#dc2626"]]  # chance below the pass mark: high is red
RISK_LABEL = "Chance below pass mark"
OUTLIER_COLOURS = {"Outlier": "#e11d48", "Typical": "#94a3b8"}
HIDDEN = {"display": "none"}
MAP_HEIGHT = 560

# Colour-by choices, in menu order; "risk" is listed but disabled when no risk model can score the dataset.
COLOUR_CHOICES = [("persona", "Persona"), ("trajectory", "Trajectory"), ("score", "Exam score"),
                  ("outlier", "Outlier"), ("risk", "Risk of falling short")]
MAP_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "scrollZoom": True,
    "modeBarButtonsToRemove": ["autoScale2d", "zoomIn2d", "zoomOut2d"],  # lasso and box select stay
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def colour_options(available: list[str]) -> list[dict]:
    return [{"label": label, "value": value, **({} if value in available else {"disabled": True})}
            for value, label in COLOUR_CHOICES if value in available or value == "risk"]


def map_section() -> html.Div:
    colour = html.Div([
        html.Label("Colour by", htmlFor=ids.MAP_COLOUR, className="settings-label me-2 mb-0"),
        dbc.Select(id=ids.MAP_COLOUR, options=colour_options(["persona"]), value="persona", size="sm",
                   style={"width": "auto"}),
    ], className="d-flex align-items-center")
    return html.Div([
        html.Div([html.H2([html.I(className="bi bi-stars me-2"), "Student map"], className="section-title"),
                  colour], className="section-head"),
        dbc.Card(dbc.CardBody([
            html.Div("Each dot is a student; students with similar theme scores sit close together. Click one "
                     "to open their profile, or draw a lasso to filter the dashboard to a group.",
                     className="panel-subtitle mb-2"),
            dcc.Graph(id=ids.STUDENT_MAP, figure=empty(), config=MAP_CONFIG, style={"height": f"{MAP_HEIGHT}px"}),
            html.Div([html.Span(id=ids.MAP_NOTE),
                      dbc.Button("Draw the map", id=ids.MAP_RUN, size="sm", color="primary", outline=True,
                                 className="ms-2", style=HIDDEN)], className="panel-caption"),
        ]), className="section-card mb-4"),
        dcc.Store(id=ids.JOB_START["map"]),  # the view, while its map is not laid out yet: starts the job
        dcc.Store(id=ids.MAP_READY),  # set when the background job has the layout cached; redraws the map
        dcc.Store(id=ids.MAP_DRAWN),  # what the browser's map shows apart from the filters; None: no map yet
    ], id=ids.MAP_SECTION)


def map_progress() -> html.Div:
    """The map job's progress bar and Cancel button. They sit with the other jobs' bars, on every tab: a job
    keeps reporting after a person leaves the Explore tab, and Dash needs what it reports to be in the page."""
    # The job's `running` state toggles the outer style; Bootstrap's d-flex is !important, so it sits inside.
    return html.Div(html.Div([
        dbc.Progress(id=ids.MAP_PROGRESS, value=0, striped=True, animated=True, className="flex-grow-1",
                     style={"height": "1.25rem"}),
        dbc.Button([html.I(className="bi bi-x-circle me-1"), "Cancel"], id=ids.MAP_CANCEL, size="sm",
                   color="link", disabled=True, className="ms-2"),
    ], className="d-flex align-items-center mb-2", **{"data-control-label": "Student map progress"}),
        id=ids.MAP_PROGRESS_BOX, style=HIDDEN)


def placeholder(message: str) -> Figure:
    fig = empty(message)
    fig.update_layout(height=MAP_HEIGHT)
    return fig


def hover_text(points: pd.DataFrame, score_label: str | None, skip: str | None = None,
               first_row: int = 2) -> np.ndarray:
    """One hover block per point: the row as a spreadsheet numbers it, persona, trajectory, exam score.
    `skip` leaves out the column a trace is named after (its name is in the hover box already)."""
    text = "<b>Row " + (points["row"].to_numpy() + first_row).astype(str).astype(object) + "</b>"
    for column, label in (("Persona", "Persona"), ("Trajectory", "Trajectory")):
        if column in points and column != skip:
            text = text + f"<br>{label}: " + points[column].astype(str).to_numpy(dtype=object)
    if "score" in points and score_label:
        scores = points["score"].to_numpy(dtype=float)
        shown = np.where(np.isnan(scores), "–", np.char.mod("%g", np.nan_to_num(scores)))
        text = text + f"<br>{score_label}: " + shown.astype(object)
    return text


def _points(xy: np.ndarray, rows: np.ndarray, text, name: str, meta: str, marker: dict, **extra) -> dict:
    hover = {} if text is None else {"text": text, "hovertemplate": "%{text}<extra>" + name + "</extra>"}
    # A plain dict in a plain-dict figure: go.Figure validates and deep-copies every array (60 of 70 ms at 100k
    # points). customdata must reach the browser as a plain list, which is how Dash's JSON encoder writes a
    # numpy array inside a dict; go.Figure would send it as a typed-array spec, which dcc.Graph cannot index
    # when it copies customdata into clickData (clicks would name no student).
    # x and y go as typed arrays (base64 float32): as decimal text they were three times the bytes to encode.
    return {"type": "scattergl", "x": to_typed_array_spec(xy[rows, 0]), "y": to_typed_array_spec(xy[rows, 1]),
            "customdata": rows,
            "mode": "markers", "name": name, "meta": meta, "marker": marker, **hover, **extra}


def map_figure(xy: np.ndarray, points: pd.DataFrame, colour_by: str, colours: dict[str, str] | None,
               keep: np.ndarray | None = None, selected: int | None = None, neighbours=None,
               score_label: str | None = None, revision: str = "", seed: int = 0,
               density: dict | None = None, first_row: int = 2) -> tuple[Figure, str]:
    """The map figure and a note on what it shows.

    `points` has one row per student, in data-row order: `row` plus the hover columns (Persona, Trajectory,
    score) and the `colour_by` column. `colours` maps its categories to colours; None means a continuous
    colour scale. `keep` is the filter mask (False = drawn grey). `density` is `density_trace(xy)`
    when the caller keeps it between redraws (it does not depend on the filters)."""
    n = len(points)
    keep = np.ones(n, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    rows = np.arange(n)
    traces: list = []
    note = ""
    if n > AGGREGATE_ABOVE:
        rng = np.random.default_rng(seed)  # seeded: the same dots on every redraw, so the map does not flicker
        rows = _sample(rng, rows, SAMPLE_POINTS / n)
        traces.append(density or density_trace(xy))
        note = (f"{n:,} students: shading shows where all of them are; {len(rows):,} of them, "
                "picked at random, are drawn as dots.")
    size = 6 if n <= 2_000 else 4 if n <= 20_000 else 3
    # Every student trace holds its students whatever the filters; the filters only pick its selectedpoints
    # (the rest are drawn grey), so a filter change can be sent as a small Patch (see `selection_patch`).
    look = {"selected": {"marker": {"opacity": 0.85}},
            "unselected": {"marker": {"color": OUTSIDE, "opacity": 0.55}}}
    if len(rows):
        frame = points.iloc[rows]
        text_all = hover_text(frame, score_label, skip=colour_by if colours is not None else None,
                              first_row=first_row)
        values = frame[colour_by] if colour_by in frame else None
        if colours is None and values is not None:
            risk = colour_by == "risk"
            label = RISK_LABEL if risk else score_label
            colour = values.to_numpy(dtype=float)
            if risk:
                text_all = text_all + "<br>" + RISK_LABEL.lower() + ": " + \
                    np.char.mod("%.0f%%", colour * 100).astype(object)
            traces.append(_points(xy, rows, text_all, label or "Value", "students", {
                "color": colour, "colorscale": RISK_SCALE if risk else SCORE_SCALE, "size": size, "opacity": 0.85,
                **({"cmin": 0, "cmax": 1} if risk else {}),
                "colorbar": {"title": {"text": label or "", "side": "right"}, "thickness": 12, "len": 0.7,
                             **({"tickformat": ".0%"} if risk else {})},
            }, showlegend=False, selectedpoints=chosen(keep, rows), **look))
        elif values is not None:
            labels = values.astype(str).to_numpy()
            for category, colour in colours.items():
                part = labels == category
                if part.any():
                    traces.append(_points(xy, rows[part], text_all[part], category, "students",
                                          {"color": colour, "size": size, "opacity": 0.85},
                                          selectedpoints=chosen(keep, rows[part]), **look))
        else:
            traces.append(_points(xy, rows, text_all, "Students", "students",
                                  {"color": "#2563eb", "size": size, "opacity": 0.85},
                                  selectedpoints=chosen(keep, rows), **look))
    if neighbours is not None and len(neighbours):
        near = np.asarray(neighbours, dtype=np.int64)
        near = near[(near >= 0) & (near < n)]
        traces.append(_points(xy, near, hover_text(points.iloc[near], score_label, first_row=first_row), "Most similar students",
                              "neighbours", {"color": "rgba(0,0,0,0)", "size": 12, "symbol": "circle-open",
                                             "line": {"color": RING, "width": 2}}))
    if selected is not None and 0 <= int(selected) < n:
        one = np.array([int(selected)])
        traces.append(_points(xy, one, hover_text(points.iloc[one], score_label, first_row=first_row), "Selected student",
                              "selected", {"color": "#facc15", "size": 18, "symbol": "circle",
                                           "line": {"color": RING, "width": 3}}))
    fig = Figure(traces)
    fig.update_layout(base_layout(
        height=MAP_HEIGHT, dragmode="lasso", hovermode="closest", uirevision=revision or True,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        clickmode="event",  # a click opens a profile; only the lasso or box selects (and filters)
        legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0, "font": {"size": 12},
                "itemsizing": "constant"},
    ))
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False)
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1)
    return fig, note


def chosen(keep: np.ndarray, rows: np.ndarray) -> np.ndarray | None:
    """A trace's selectedpoints: positions of its students inside the filters; None when all of them are."""
    inside = keep[rows]
    return None if inside.all() else np.flatnonzero(inside)


def selection_patch(fig: dict) -> Patch:
    """Only the filter-dependent part of a map figure (each student trace's selectedpoints), for a browser
    that already shows the same figure under other filters: a few KB instead of every point again."""
    patch = Patch()
    for index, item in enumerate(fig["data"]):
        if item.get("meta") == "students":
            points = item.get("selectedpoints")
            patch["data"][index]["selectedpoints"] = None if points is None else np.asarray(points).tolist()
    return patch


def _sample(rng: np.random.Generator, rows: np.ndarray, share: float) -> np.ndarray:
    size = min(len(rows), max(1, round(len(rows) * share))) if len(rows) else 0
    return np.sort(rng.choice(rows, size, replace=False)) if size < len(rows) else rows


def density_trace(xy: np.ndarray) -> dict:
    """All students binned on a grid: zero cells stay transparent, so the dots on top stay readable."""
    xy = xy[np.isfinite(xy).all(axis=1)]
    low, high = xy.min(axis=0), xy.max(axis=0)
    width = np.where(high > low, (high - low) / DENSITY_BINS, 1.0)
    # Equal-width bins by arithmetic and one bincount: np.histogram2d's searchsorted is 5x slower at 200k.
    cells = np.minimum(((xy - low) / width).astype(np.int64), DENSITY_BINS - 1)
    counts = np.bincount(cells[:, 1] * DENSITY_BINS + cells[:, 0], minlength=DENSITY_BINS ** 2)
    # Log counts: a few dense cores would wash out the rest. Rows of z are y bins.
    z = np.where(counts > 0, np.log1p(counts), np.nan).reshape(DENSITY_BINS, DENSITY_BINS)
    centres = (np.arange(DENSITY_BINS) + 0.5)[:, None] * width + low
    return {"type": "heatmap", "x": centres[:, 0], "y": centres[:, 1], "z": z, "meta": "density",
            "colorscale": [[0, "#f1f5f9"], [1, "#64748b"]], "showscale": False, "hoverinfo": "skip",
            "name": "All students (density)", "zsmooth": False}
