"""The view state: filters from the filter bar, chart clicks, map selections and the URL, kept in one place.

One callback owns the `filters` store, the URL and the filter controls, so they can never disagree and a
copied address reopens the same view (Dash allows a callback to read and write the same property).
"""
from __future__ import annotations

import logging

from dash import ALL, Input, Output, State, ctx, no_update

from analytics import DataError
from analytics.defaults import MAX_PERSONAS, MIN_PERSONAS
from analytics.explore import filters as flt
from analytics.explore import views
from components import ids
from components.filters import BASE_DROPDOWNS, DROPDOWNS, GROUP_DROPDOWNS, chip
from components.risk import OUTCOME, subject_options

from .clicks import CLICKS, clicked, heatmap_subject
from .common import if_changed, only_for
from .context import request

log = logging.getLogger(__name__)

# what may bring a new dataset or persona count (the view); any other trigger only changes the filters
VIEW_TRIGGERS = (None, ids.URL, ids.UPLOADED, ids.PERSONA_COUNT, ids.DATASET_ID)
# the filters the bar's controls set; the group dropdowns come last, after those every file may have
KEYS = [key for key, _ in BASE_DROPDOWNS] + ["score", "outlier"] + [key for key, _ in GROUP_DROPDOWNS]
CONTROLS = {ids.FILTER_CONTROLS[key][0]: key for key in KEYS}  # control id -> filter key
# filters, URL, dataset id, persona count, control values, then dropdown options and the slider's bounds:
# a Dropdown drops a value its options do not hold yet, so values and options must arrive together
OUTPUT = dict(filters=Output(ids.FILTERS, "data"), search=Output(ids.URL, "search"),
              dataset_id=Output(ids.DATASET_ID, "data"), personas=Output(ids.PERSONA_COUNT, "value"),
              mark=Output(ids.PASS_MARK, "value"), subject=Output(ids.SUBJECT, "value"),
              subject_options=Output(ids.SUBJECT, "options"), subject_box=Output(ids.SUBJECT_BOX, "style"),
              values={key: Output(ids.FILTER_CONTROLS[key][0], "value") for key in KEYS},
              options={key: Output(ids.FILTER_CONTROLS[key][0], "options") for key, _ in DROPDOWNS},
              score_min=Output(ids.F_SCORE, "min"), score_max=Output(ids.F_SCORE, "max"))
INPUTS = dict(search=Input(ids.URL, "search"), dataset_id=Input(ids.DATASET_ID, "data"),
              personas=Input(ids.PERSONA_COUNT, "value"), mark=Input(ids.PASS_MARK, "value"),
              subject=Input(ids.SUBJECT, "value"), uploaded=Input(ids.UPLOADED, "data"),
              controls={key: Input(ids.FILTER_CONTROLS[key][0], "value") for key in KEYS},
              # chart clicks and map selections: each tab relays its own charts' to this one store
              # (callbacks/tabs.py), so the inputs of this callback are all on every tab
              click=Input(ids.CHART_CLICK, "data"),
              clear=Input(ids.FILTERS_CLEAR, "n_clicks"), chips=Input({"type": ids.CHIP_CLEAR, "key": ALL}, "n_clicks"))


def unchanged(schema: dict = OUTPUT) -> dict:
    """Every output of the view-state callback left as it is."""
    return {k: unchanged(v) if isinstance(v, dict) else no_update for k, v in schema.items()}


def from_controls(values: dict, full_score: list | None) -> dict:
    """Filters from the controls' values, keyed by filter."""
    out: dict = {}
    for key, _ in DROPDOWNS:
        if values.get(key):
            out[key] = list(values[key])
    score, outlier = values.get("score"), values.get("outlier")
    if score and full_score and [float(v) for v in score] != [float(v) for v in full_score]:
        out["score"] = [float(score[0]), float(score[1])]
    if outlier in ("yes", "no"):
        out["outlier"] = outlier
    return out


def controls_for(filters: dict, full_score: list | None) -> dict:
    return {**{key: filters.get(key, []) for key, _ in DROPDOWNS},
            "score": filters.get("score", full_score or no_update), "outlier": filters.get("outlier", "all")}


def score_bounds(analysis) -> list[float] | None:
    column = flt.columns(analysis)["score"]
    if not column:
        return None
    scores = analysis.students[column]
    return [float(scores.min()), float(scores.max())]


def sync(store, trigger, search, dataset_id, personas, uploaded, current, control_values: dict, selected,
         click_data: dict, mark=None, subject=None) -> dict:
    """Everything the view-state callback returns, shaped as OUTPUT. `mark` is the pass mark typed (blank:
    the dataset's default) and `subject` the subject picked (blank: the outcome); the URL carries both, and a
    new upload starts from its own defaults. Picking a subject clears a typed pass mark: it was on another
    scale (a combined score's 95 is no GCSE grade)."""
    filters = dict(current or {})
    k = personas
    original = (dataset_id, personas)
    trigger = trigger if isinstance(trigger, (str, type(None))) else dict(trigger)
    named = trigger if isinstance(trigger, str) else None  # pattern-matching ids are dicts
    mark = flt.pass_mark_value(mark)
    mark_out = no_update
    subject = typed_subject = None if subject in (None, "", OUTCOME) else subject
    if trigger == ids.PASS_MARK:  # not a filter: only the address changes
        return {**unchanged(), "search": flt.to_query(dataset_id, personas, filters, mark, subject)}
    if trigger == ids.SUBJECT:
        return {**unchanged(), "search": flt.to_query(dataset_id, personas, filters, None, subject),
                "mark": no_update if mark is None else None}
    if trigger in (None, ids.URL):
        wanted, wanted_k, filters = flt.from_query(search)
        if wanted and wanted != dataset_id and store.has(wanted):
            dataset_id = wanted
        if wanted_k and MIN_PERSONAS <= wanted_k <= MAX_PERSONAS:
            k = wanted_k
        mark = flt.pass_mark_from_query(search)
        mark_out = mark
        subject = flt.subject_from_query(search)
    elif trigger == ids.UPLOADED:
        if not uploaded or uploaded.get("dataset_id") == dataset_id:
            return unchanged()
        dataset_id, filters, mark, subject = uploaded["dataset_id"], {}, None, None
        mark_out = None
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
            picked = heatmap_subject(click_data.get(trigger), analysis, subject) if named == ids.GROUP_HEATMAP \
                else subject  # a subject's cell picks that subject for the risk panels too
            if picked != subject:  # as picking it in the Subject menu: a typed pass mark was on another scale
                subject, mark, mark_out = picked, None, (no_update if mark is None else None)
        filters = flt.normalise(analysis, filters)
        if "selection" in filters and store.selection(filters["selection"]) is None:
            filters.pop("selection")  # a selection from a cleared cache cannot be restored
        if "move" in filters and store.move_rows(dataset_id, filters["move"], k) is None:
            filters.pop("move")  # a move of terms this dataset is not linked to (or not tracked yet)
        if subject not in analysis.subject_columns:
            subject = None  # a subject from another file's address
    out = {"filters": filters, "search": flt.to_query(dataset_id, k, filters, mark, subject),
           "dataset_id": dataset_id, "personas": k, "mark": mark_out, "values": controls_for(filters, full)}
    # Dash re-runs every dependant of an output it is sent, changed or not: re-sending the dataset id on a chart
    # click or a filter change re-published `view` and redrew every panel in two more waves, so the dataset
    # id, persona count, dropdown options and slider bounds go out only for a new dataset or persona count.
    if trigger not in VIEW_TRIGGERS and (dataset_id, k) == original:
        values = {key: no_update if value is no_update or value == control_values.get(key) else value
                  for key, value in out["values"].items()}  # only the controls that change
        picked = {} if subject == typed_subject else {"subject": subject or OUTCOME}
        return {**unchanged(), **out, "dataset_id": no_update, "personas": no_update, "values": values, **picked}
    if analysis is None:
        return {**unchanged(), **out}
    opts = options(analysis)
    names = list(analysis.subject_columns)
    return {**out, "options": opts["options"], "score_min": opts["bounds"][0], "score_max": opts["bounds"][1],
            # sent only when it changes: every risk panel listens to it
            "subject": no_update if subject == typed_subject else subject or OUTCOME,
            "subject_options": subject_options(analysis.exam_column, names),
            "subject_box": {} if names else {"display": "none"}}


def relayed(click: dict) -> tuple:
    """(trigger, map selection, {chart: clickData}) of a click a tab relayed to ids.CHART_CLICK."""
    source = click["source"]
    if click.get("prop") == "selectedData":
        return source, click.get("value"), {}
    return source, None, {source: click.get("value")}


def _selected_rows(selected: dict | None) -> list[int]:
    rows = []
    for point in (selected or {}).get("points", []):
        data = point.get("customdata")
        data = data[0] if isinstance(data, list) else data
        if isinstance(data, (int, float)):
            rows.append(int(data))
    return rows


def register(app, store) -> None:
    @app.callback(output=OUTPUT, inputs=INPUTS, state=dict(current=State(ids.FILTERS, "data")))
    def update_view_state(search, dataset_id, personas, mark, subject, uploaded, controls, click, clear,
                          chips, current):
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and not (ctx.triggered and ctx.triggered[0].get("value")):
            return unchanged()  # chips were re-drawn (n_clicks 0); nothing was pressed
        selected, clicks = None, {}
        if trigger == ids.CHART_CLICK:  # as if the chart itself had fired
            if not click or click.get("source") not in (*CLICKS, ids.STUDENT_MAP):
                return unchanged()
            trigger, selected, clicks = relayed(click)
        return sync(store, trigger, search, dataset_id, personas, uploaded, current, controls, selected, clicks,
                    mark, subject)

    @app.callback(output={key: Output(ids.FILTER_CONTROLS[key][1], "style") for key in KEYS},
                  inputs=dict(view=Input(ids.VIEW, "data"),
                              jobs=Input(ids.JOBS_READY, "data")))  # the outlier filter appears once its job ran
    def filter_boxes(view, jobs):
        only_for("outliers", jobs)
        return options(request(store, view).analysis)["styles"]

    # The Filters button on the sticky line: on a narrow screen it unfolds the controls, and from anywhere on the
    # page it brings them into view; pressed while they are in view and unfolded, it folds them again.
    app.clientside_callback(
        """function (n, cls) {
            const panel = document.getElementById("%s");
            if (!n || !panel) return window.dash_clientside.no_update;
            const box = panel.getBoundingClientRect();
            const open = (cls || "").split(" ").includes("open");
            const inView = panel.offsetParent !== null && box.bottom > 60 && box.top < window.innerHeight;
            const base = (cls || "").split(" ").filter(c => c && c !== "open").join(" ");
            if (open && inView) return base;
            setTimeout(() => panel.scrollIntoView({block: "start", behavior: "smooth"}), 30);
            return base + " open";
        }""" % ids.FILTER_PANEL,
        Output(ids.FILTER_PANEL, "className"), Input(ids.FILTERS_TOGGLE, "n_clicks"),
        State(ids.FILTER_PANEL, "className"), prevent_initial_call=True)

    @app.callback(Output(ids.FILTER_CHIPS, "children"), Output(ids.FILTER_COUNT, "children"),
                  Output(ids.FILTERS_CLEAR, "style"), Input(ids.FILTERS, "data"),
                  State(ids.FILTER_COUNT, "children"), State(ids.FILTERS_CLEAR, "style"))
    def show_chips(filters, count, style):
        items = flt.chips(filters or {})
        if not items:
            return [], if_changed("Showing every student", count), if_changed({"display": "none"}, style)
        return [chip(key, text) for key, text in items], if_changed(None, count), if_changed({}, style)


def options(analysis) -> dict:
    """Dropdown options (every value in the cohort, most common first), which controls apply (a style per
    filter key) and the score slider's bounds."""
    cols = flt.columns(analysis)
    hidden = {"display": "none"}
    opts, styles = {}, {}
    for key, _ in DROPDOWNS:
        column = cols[key]
        if key in ("persona", "trajectory"):
            values = views.model_names(analysis, "personas" if key == "persona" else "trajectories")
        else:
            values = views.group_order(analysis.students[column]) if column else []
        opts[key] = [{"label": v, "value": v} for v in values]
        styles[key] = {} if values else hidden
    bounds = score_bounds(analysis)
    styles["score"] = {} if bounds else hidden
    styles["outlier"] = {} if cols["outlier"] else hidden
    return {"options": opts, "styles": styles, "bounds": bounds or [0, 100]}
