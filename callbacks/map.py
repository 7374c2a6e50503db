"""The student map: a background job gets the layout (the map worker computes it once per dataset), and a
fast callback draws it for the current filters, colour choice and selected student from the cached layout."""
from __future__ import annotations

import logging
import os
from collections import OrderedDict

import numpy as np
import pandas as pd
from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from analytics.explore.neighbours import similar
from analytics.models.themes import MIN_THEMES
from analytics.results import OUTLIER, PERSONA, TRAJECTORY
from backend import jobs
from components import ids
from components.map import (
    AGGREGATE_ABOVE,
    MAP_HEIGHT,
    OUTLIER_COLOURS,
    colour_options,
    density_trace,
    map_figure,
    placeholder,
    selection_patch,
)

from .common import HIDDEN, SHOWN, colours, fired, keep
from .context import request

log = logging.getLogger(__name__)
NEIGHBOURS = 6  # as many as the profile card lists
PATCH = os.environ.get("COHORT_ATLAS_MAP_PATCH", "1") != "0"  # 0 sends whole figures (bench/browser.py)
COLUMNS = {"persona": PERSONA, "trajectory": TRAJECTORY, "score": "score", "outlier": "outlier", "risk": "risk"}
STAGES = {"warm-up": "Preparing the map engine (once per server start)…",
          "queued": "Waiting for another map to finish…"}


def available(analysis, risk: bool = False) -> list[str]:
    students = analysis.students
    return [key for key, present in (("persona", PERSONA in students), ("trajectory", TRAJECTORY in students),
                                     ("score", analysis.exam_column in students), ("outlier", OUTLIER in students),
                                     ("risk", risk))
            if present]


def risk_chance(store, view: dict, model_id: str | None, mark) -> np.ndarray | None:
    """Each student's chance of ending below the pass mark, or None while no model can score the dataset."""
    scores = request(store, view, model_id=model_id, mark=mark, need=("scores",)).scores
    return None if scores is None else scores.chance


def colour_choice(analysis, current: str | None, risk: bool = False) -> tuple[list[dict], str | None]:
    """(options, value) for the colour-by menu; None as value keeps the current choice."""
    have = available(analysis, risk)
    value = current if current in have else (have[0] if have else None)
    return colour_options(have), (None if value == current else value)


def progress_label(done: int, total: int, stage: str) -> tuple[int, str]:
    if stage in STAGES or not total:
        return 100, STAGES.get(stage, "Starting…")
    share = done / total
    text = (f"Laying out {total:,} students…" if stage == "fit" else
            f"Placing the rest: {done:,} of {total:,} students")
    return max(8, round(share * 100)), text  # a sliver, so a fit that reports no steps still shows a bar


def map_job(store, view: dict | None, report=None) -> dict:
    """Make sure the current dataset has a cached layout; the result only tells the drawing callback."""
    if not view or not store.has(view.get("dataset_id")):  # unknown, or not the caller's: nothing runs
        raise PreventUpdate
    dataset_id = view["dataset_id"]
    if store.has_projection(dataset_id):
        return {"dataset_id": dataset_id, "ok": True}

    shown = []

    def relay(done: int, total: int, stage: str) -> None:
        label = progress_label(done, total, stage)
        if report and (not shown or shown[-1] != label):  # the worker streams steps; the bar needs changes
            shown.append(label)
            report(label)

    try:
        reply = jobs.project_dataset(store, dataset_id, view["personas"], relay)
    except Exception:  # a background job's traceback would otherwise end up in the browser
        log.exception("map job for %s failed", dataset_id)
        reply = {"ok": False, "error": "The map failed unexpectedly; the error was logged on the server."}
    return {"dataset_id": dataset_id, "ok": bool(reply.get("ok")), "error": reply.get("error")}


def _in_view(store, analysis, filters: dict | None) -> np.ndarray | None:
    """The students in view (a saved map selection resolved too), or None when nothing is filtered."""
    return keep(store, analysis, filters) if filters else None


def _neighbours(analysis, row: int | None) -> np.ndarray | None:
    if row is None:
        return None
    try:
        return similar(analysis, int(row), NEIGHBOURS)["row"].to_numpy()
    except Exception:  # the ring still marks the student; the profile card reports the problem
        log.exception("similar students of row %s", row)
        return None


def points_frame(analysis) -> pd.DataFrame:
    """What the figure needs per student: row, hover columns and the colour-by columns."""
    students = analysis.students
    frame = {"row": students["row"].to_numpy()}
    for column in (PERSONA, TRAJECTORY):
        if column in students:
            frame[column] = students[column]
    if analysis.exam_column in students:
        frame["score"] = students[analysis.exam_column].to_numpy(dtype=float)
    if OUTLIER in students:  # from codes: building it from 1M strings took 160 ms per redraw
        codes = np.where(students[OUTLIER].to_numpy(dtype=bool), 0, 1).astype(np.int8)
        frame["outlier"] = pd.Categorical.from_codes(codes, categories=list(OUTLIER_COLOURS))
    return pd.DataFrame(frame, index=students.index)


_DENSITY: OrderedDict = OrderedDict()  # (dataset id, rows) -> density trace, the few latest datasets


def _density(dataset_id: str, xy: np.ndarray) -> dict | None:
    """The density layer depends only on the layout, so big maps bin their students once, not per click."""
    if len(xy) <= AGGREGATE_ABOVE:
        return None
    key = (dataset_id, len(xy))
    if key not in _DENSITY:
        _DENSITY[key] = density_trace(xy)
        while len(_DENSITY) > 4:
            _DENSITY.popitem(last=False)
    return _DENSITY[key]


def map_content(store, view: dict | None, filters: dict | None, student, colour: str | None, ready: dict | None,
                triggered: frozenset[str] = frozenset(), chance: np.ndarray | None = None) -> tuple:
    """(figure, note, run-button style) for the current view. `triggered` holds the ids of the inputs that
    changed: Dash holds this callback back while the map job runs, so a cancel arrives with others."""
    req = request(store, view)
    analysis, dataset_id = req.analysis, view["dataset_id"]
    if req.allowed is not None:  # every student is a point: a teacher limited to their classes gets no map
        return (placeholder("The map shows the whole cohort"),
                "The student map places every student of the file, so it is shown to leaders only.", HIDDEN)
    if len(analysis.themes) < MIN_THEMES:
        return (placeholder("The map needs at least two themes"),
                "No student map: this file has fewer than two theme columns (such as Hours_Studied, Attendance).",
                HIDDEN)
    projection = store.projection(dataset_id)
    if projection is None or projection.rows != analysis.rows:
        failed = ready if ready and ready.get("dataset_id") == dataset_id and not ready.get("ok") else None
        if failed:
            return placeholder("The map could not be drawn"), failed.get("error") or "The map failed.", SHOWN
        if ids.MAP_CANCEL in triggered:
            return placeholder("Map cancelled"), "The map was cancelled.", SHOWN
        return placeholder("Laying out the student map…"), "", HIDDEN
    have = available(analysis, chance is not None)
    colour = colour if colour in have else (have[0] if have else None)
    persona_palette, trajectory_palette = colours(analysis)
    palette = {"persona": persona_palette, "trajectory": trajectory_palette, "outlier": OUTLIER_COLOURS}.get(colour)
    in_view = _in_view(store, analysis, filters)
    row = int(student) if isinstance(student, (int, float)) and 0 <= int(student) < analysis.rows else None
    score_label = analysis.exam_column.replace("_", " ") if analysis.exam_column else None
    density = _density(dataset_id, projection.xy)
    points = points_frame(analysis)
    if chance is not None:
        points["risk"] = chance
    fig, drawn = map_figure(projection.xy, points, COLUMNS.get(colour, ""), palette, in_view, row,
                            _neighbours(analysis, row), score_label, revision=dataset_id, density=density,
                            first_row=analysis.sheet_row(0))
    notes = [projection.note]
    if in_view is not None and not in_view.all():
        notes.append(f"{int(in_view.sum()):,} of {analysis.rows:,} students match the filters; the rest are grey.")
    if drawn:
        notes.append(drawn)
    return fig, " ".join(notes), HIDDEN


def map_style(analysis) -> dict:
    """The chart box: hidden when the file has fewer than two themes, so no empty map takes the page."""
    return HIDDEN if len(analysis.themes) < MIN_THEMES else {"height": f"{MAP_HEIGHT}px"}


def skip_redraw(triggered: frozenset[str], colour: str | None) -> bool:
    """Whether a change leaves the drawn map as it is: the pass mark or a finished job alone changes only the
    risk (and outlier) colours. Dash holds the drawing callback back while the map job runs and then fires it
    once for every input that changed meanwhile, so only a change on its own may skip the redraw."""
    return ((triggered == {ids.PASS_MARK} and colour != "risk")
            or (triggered == {ids.JOBS_READY} and colour not in ("risk", "outlier")))


def drawn_key(fig, view: dict | None, student, colour, mark, model_id) -> list | None:
    """Everything a drawn map depends on except the filters, and the traces it is made of (so a Patch's trace
    indices point at the same traces in the browser); None for a placeholder."""
    data = fig["data"]
    if not view or not any(item.get("meta") == "students" for item in data):
        return None
    traces = [[item.get("meta"), item.get("name"), len(item.get("customdata", ()))] for item in data]
    return [view["dataset_id"], view["personas"], student, colour, mark, model_id, traces]


def figure_or_patch(fig, key: list | None, drawn: list | None, triggered: frozenset[str]):
    """A filter change over the map the browser already shows only moves the grey: send that as a Patch (a few
    KB) rather than every point, its coordinates and hover text again (~0.5 MB at 6.6k students)."""
    if PATCH and key is not None and triggered == {ids.FILTERS} and drawn == key:
        return selection_patch(fig)
    return fig


def map_start(store, view: dict | None):
    """What starts the map's job when the Explore tab opens (or its view changes): the view while its layout is
    not cached yet, else no_update. The map is laid out only once someone opens the tab that shows it."""
    if not view:
        raise PreventUpdate
    analysis = request(store, view).analysis
    return dict(view) if len(analysis.themes) >= MIN_THEMES and not store.has_projection(view["dataset_id"]) \
        else no_update


def register(app, store) -> None:
    @app.callback(Output(ids.JOB_START["map"], "data"), Input(ids.VIEW, "data"))
    def start_map(view):
        return map_start(store, view)

    # Started by a view whose layout is not cached yet (start_map above), or by the Run button.
    @app.callback(Output(ids.MAP_READY, "data"), Input(ids.JOB_START["map"], "data"), Input(ids.MAP_RUN, "n_clicks"),
                  State(ids.VIEW, "data"), background=True, interval=1000, prevent_initial_call=True,
                  progress=[Output(ids.MAP_PROGRESS, "value"), Output(ids.MAP_PROGRESS, "label")],
                  progress_default=[0, ""],
                  # only what is on every tab: the Run button, on Explore, hides itself once pressed
                  running=[(Output(ids.MAP_PROGRESS_BOX, "style"), SHOWN, HIDDEN),
                           (Output(ids.MAP_CANCEL, "disabled"), False, True)],
                  cancel=[Input(ids.MAP_CANCEL, "n_clicks")])
    def compute_map(set_progress, _start, _run, view):
        return map_job(store, view, set_progress)

    # A file with too few themes has no map: its 560 px chart box is hidden and the caption says what it lacks.
    @app.callback(Output(ids.STUDENT_MAP, "style"), Input(ids.VIEW, "data"))
    def map_box(view):
        return map_style(request(store, view).analysis)

    @app.callback(Output(ids.MAP_COLOUR, "options"), Output(ids.MAP_COLOUR, "value"), Input(ids.VIEW, "data"),
                  Input(ids.RISK_MODEL, "value"), Input(ids.JOBS_READY, "data"), State(ids.MAP_COLOUR, "value"))
    def colour_menu(view, model_id, _jobs, current):
        has_risk = risk_chance(store, view, model_id, None) is not None if view else False
        options, value = colour_choice(request(store, view).analysis, current, has_risk)
        return options, no_update if value is None else value

    # Dash holds draw_map back while the job runs (one of its inputs is the job's output), so without this a
    # new dataset would sit under the previous dataset's map, whose clicks point at the wrong students.
    @app.callback(Output(ids.STUDENT_MAP, "figure", allow_duplicate=True),
                  Output(ids.MAP_NOTE, "children", allow_duplicate=True),
                  Output(ids.MAP_DRAWN, "data", allow_duplicate=True), Input(ids.VIEW, "data"),
                  prevent_initial_call=True)
    def clear_stale_map(view):
        if not view or store.has_projection(view["dataset_id"]):
            raise PreventUpdate
        return placeholder("Laying out the student map…"), "", None  # no map drawn: nothing to patch

    @app.callback(Output(ids.STUDENT_MAP, "figure"), Output(ids.MAP_NOTE, "children"), Output(ids.MAP_RUN, "style"),
                  Output(ids.MAP_DRAWN, "data"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"), Input(ids.STUDENT, "data"),
                  Input(ids.MAP_COLOUR, "value"), Input(ids.MAP_READY, "data"), Input(ids.MAP_CANCEL, "n_clicks"),
                  Input(ids.MAP_RUN, "n_clicks"), Input(ids.PASS_MARK, "value"), Input(ids.JOBS_READY, "data"),
                  State(ids.RISK_MODEL, "value"), State(ids.MAP_DRAWN, "data"))
    def draw_map(view, filters, student, colour, ready, _cancel, _run, mark, _jobs, model_id, drawn):
        triggered = fired()
        if skip_redraw(triggered, colour):
            raise PreventUpdate
        chance = risk_chance(store, view, model_id, mark) if colour == "risk" and view else None
        fig, note, run_style = map_content(store, view, filters, student, colour, ready, triggered, chance)
        key = drawn_key(fig, view, student, colour, mark, model_id)
        out = figure_or_patch(fig, key, drawn, triggered)
        if out is not fig:  # patched: the button stays hidden and the browser's map keeps its key
            return out, note, no_update, no_update
        return out, note, run_style, key
