"""The view state: filters from the filter bar, chart clicks, map selections and the URL, kept in one place.

One callback owns the `filters` store, the URL and the filter controls, so they can never disagree and a
copied address reopens the same view (Dash allows a callback to read and write the same property).
"""
from __future__ import annotations

import logging

from dash import ALL, Input, Output, State, ctx, no_update

from analytics import DataError
from analytics.analysis import MAX_PERSONAS, MIN_PERSONAS
from analytics.explore import filters as flt
from analytics.explore import views
from components import ids
from components.filters import DROPDOWNS, chip

from .common import only_for
from .context import request

log = logging.getLogger(__name__)

# chart id -> (filter key for the clicked value, filter key for the bar's group or None)
CLICKS = {
    ids.PERSONA_DONUT: ("persona", None),
    ids.TRAJECTORY_DONUT: ("trajectory", None),
    ids.PERSONA_RADAR: ("persona", None),
    ids.SCORE_DISTRIBUTION: ("persona", None),
    ids.TRAJECTORY_MIX: ("persona", "trajectory"),
    ids.GENDER_BREAKDOWN: (None, "gender"),
    ids.SCHOOL_BREAKDOWN: (None, "school"),
}
CONTROLS = [ids.FILTER_CONTROLS[key][0] for key, _ in DROPDOWNS] + [ids.F_SCORE, ids.F_OUTLIER]
# filters, URL, dataset id, persona count, control values, then dropdown options and the slider's bounds:
# a Dropdown drops a value its options do not hold yet, so values and options must arrive together
OUTPUTS = 4 + len(CONTROLS) + len(DROPDOWNS) + 2


def clicked(filters: dict, chart: str, click: dict | None, analysis) -> dict:
    """Filters after a click on a chart: a repeated click on the same value clears it."""
    if not click or not click.get("points"):
        return filters
    point = click["points"][0]
    data = point.get("customdata")
    key, group_key = CLICKS[chart]
    if chart in (ids.GENDER_BREAKDOWN, ids.SCHOOL_BREAKDOWN):
        # customdata = [group, segment]; the segment is a persona or a trajectory name
        group, segment = data[0], data[1]
        segment_key = "persona" if segment in {p.name for p in analysis.personas} else "trajectory"
        return _pair(filters, group_key, group, segment_key, segment)
    if chart == ids.TRAJECTORY_MIX:
        return _pair(filters, group_key, data[0], key, data[1])
    value = data[0] if isinstance(data, list) else data
    if value is None:
        value = point.get("label")
    return flt.toggle(filters, key, str(value)) if value is not None else filters


def _pair(filters: dict, key_a: str, a: str, key_b: str, b: str) -> dict:
    out = dict(filters)
    if out.get(key_a) == [a] and out.get(key_b) == [b]:
        out.pop(key_a)
        out.pop(key_b)
    else:
        out[key_a], out[key_b] = [a], [b]
    return out


def from_controls(values: list, full_score: list | None) -> dict:
    out: dict = {}
    for (key, _), value in zip(DROPDOWNS, values[:len(DROPDOWNS)]):
        if value:
            out[key] = list(value)
    score, outlier = values[len(DROPDOWNS)], values[len(DROPDOWNS) + 1]
    if score and full_score and [float(v) for v in score] != [float(v) for v in full_score]:
        out["score"] = [float(score[0]), float(score[1])]
    if outlier in ("yes", "no"):
        out["outlier"] = outlier
    return out


def controls_for(filters: dict, full_score: list | None) -> list:
    return ([filters.get(key, []) for key, _ in DROPDOWNS]
            + [filters.get("score", full_score or no_update), filters.get("outlier", "all")])


def score_bounds(analysis) -> list[float] | None:
    column = flt.columns(analysis)["score"]
    if not column:
        return None
    scores = analysis.students[column]
    return [float(scores.min()), float(scores.max())]


def sync(store, trigger, search, dataset_id, personas, uploaded, current, control_values, selected, click_data):
    """Everything the view-state callback returns; see `register` for the order."""
    filters = dict(current or {})
    k = personas
    trigger = trigger if isinstance(trigger, (str, type(None))) else dict(trigger)
    named = trigger if isinstance(trigger, str) else None  # pattern-matching ids are dicts
    if trigger in (None, ids.URL):
        wanted, wanted_k, filters = flt.from_query(search)
        if wanted and wanted != dataset_id and store.has(wanted):
            dataset_id = wanted
        if wanted_k and MIN_PERSONAS <= wanted_k <= MAX_PERSONAS:
            k = wanted_k
    elif trigger == ids.UPLOADED:
        if not uploaded or uploaded.get("dataset_id") == dataset_id:
            return (no_update,) * OUTPUTS
        dataset_id, filters = uploaded["dataset_id"], {}
    elif trigger == ids.PERSONA_COUNT:
        filters.pop("persona", None)  # persona names change with the number of personas
    elif trigger == ids.FILTERS_CLEAR:
        filters = {}
    elif isinstance(trigger, dict) and trigger.get("type") == ids.CHIP_CLEAR:
        filters.pop(trigger["key"], None)
    try:
        analysis = store.analysis(dataset_id, k)
    except (DataError, KeyError):
        analysis = None
    except Exception:  # the overview callback reports analysis failures; here the view just stays put
        log.exception("loading %s for the filters failed", dataset_id)
        analysis = None
    full = score_bounds(analysis) if analysis is not None else None
    if analysis is not None:
        if named in CONTROLS:
            filters = {**from_controls(control_values, full),
                       **({"selection": filters["selection"]} if "selection" in filters else {})}
        elif named == ids.STUDENT_MAP:
            filters.pop("selection", None)
            rows = _selected_rows(selected)
            if rows:
                filters["selection"] = store.save_selection(dataset_id, rows)
        elif named in CLICKS:
            filters = clicked(filters, trigger, click_data.get(trigger), analysis)
        filters = flt.normalise(analysis, filters)
        if "selection" in filters and store.selection(filters["selection"]) is None:
            filters.pop("selection")  # a selection from a cleared cache cannot be restored
    query = flt.to_query(dataset_id, k, filters)
    if analysis is None:
        bounds = (no_update,) * (len(DROPDOWNS) + 2)
    else:
        opts = options(analysis)
        bounds = (*opts[:len(DROPDOWNS)], *opts[2 * len(DROPDOWNS):2 * len(DROPDOWNS) + 2])
    return (filters, query, dataset_id, k, *controls_for(filters, full), *bounds)


def _selected_rows(selected: dict | None) -> list[int]:
    rows = []
    for point in (selected or {}).get("points", []):
        data = point.get("customdata")
        data = data[0] if isinstance(data, list) else data
        if isinstance(data, (int, float)):
            rows.append(int(data))
    return rows


def register(app, store) -> None:
    charts = list(CLICKS)

    @app.callback(
        Output(ids.FILTERS, "data"), Output(ids.URL, "search"), Output(ids.DATASET_ID, "data"),
        Output(ids.PERSONA_COUNT, "value"), *[Output(c, "value") for c in CONTROLS],
        *[Output(ids.FILTER_CONTROLS[key][0], "options") for key, _ in DROPDOWNS], Output(ids.F_SCORE, "min"),
        Output(ids.F_SCORE, "max"),
        Input(ids.URL, "search"), Input(ids.DATASET_ID, "data"), Input(ids.PERSONA_COUNT, "value"),
        Input(ids.UPLOADED, "data"), *[Input(c, "value") for c in CONTROLS],
        Input(ids.STUDENT_MAP, "selectedData"), *[Input(c, "clickData") for c in charts],
        Input(ids.FILTERS_CLEAR, "n_clicks"), Input({"type": ids.CHIP_CLEAR, "key": ALL}, "n_clicks"),
        State(ids.FILTERS, "data"),
    )
    def update_view_state(search, dataset_id, personas, uploaded, *rest):
        control_values = list(rest[:len(CONTROLS)])
        selected = rest[len(CONTROLS)]
        clicks = dict(zip(charts, rest[len(CONTROLS) + 1:len(CONTROLS) + 1 + len(charts)]))
        current = rest[-1]
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and not (ctx.triggered and ctx.triggered[0].get("value")):
            return (no_update,) * OUTPUTS  # chips were re-drawn (n_clicks 0); nothing was pressed
        return sync(store, trigger, search, dataset_id, personas, uploaded, current, control_values, selected,
                    clicks)

    @app.callback(*[Output(ids.FILTER_CONTROLS[key][1], "style") for key, _ in DROPDOWNS],
                  Output(ids.F_SCORE_BOX, "style"), Output(ids.F_OUTLIER_BOX, "style"), Input(ids.VIEW, "data"),
                  Input(ids.JOBS_READY, "data"))  # the outlier filter appears once the outlier job has run
    def filter_boxes(view, jobs):
        only_for("outliers", jobs)
        opts = options(request(store, view).analysis)
        return opts[len(DROPDOWNS):2 * len(DROPDOWNS)] + opts[-2:]

    @app.callback(Output(ids.FILTER_CHIPS, "children"), Output(ids.FILTER_COUNT, "children"),
                  Output(ids.FILTERS_CLEAR, "style"), Input(ids.FILTERS, "data"))
    def show_chips(filters):
        items = flt.chips(filters or {})
        if not items:
            return [], "Showing every student", {"display": "none"}
        return [chip(key, text) for key, text in items], None, {}


def options(analysis) -> tuple:
    """Dropdown options (every value in the cohort, most common first) and which controls apply."""
    cols = flt.columns(analysis)
    hidden = {"display": "none"}
    opts, styles = [], []
    for key, _ in DROPDOWNS:
        column = cols[key]
        if key in ("persona", "trajectory"):
            values = views.model_names(analysis, "personas" if key == "persona" else "trajectories")
        else:
            values = views.group_order(analysis.students[column]) if column else []
        opts.append([{"label": v, "value": v} for v in values])
        styles.append({} if values else hidden)
    bounds = score_bounds(analysis)
    low, high = (bounds or [0, 100])
    return (*opts, *styles, low, high, {} if bounds else hidden, {} if cols["outlier"] else hidden)
