"""The mapping panel: show the columns of the dataset in view, apply a person's choices as a new dataset id
(content + choices, so every cached result follows), remember them per header layout, and lay remembered
choices over the next upload with the same columns."""
from __future__ import annotations

import logging

from dash import ALL, MATCH, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from analytics import DataError
from analytics.defaults import PERSONAS
from analytics.ingest.choices import COMBINED, SUBJECT, choices_from_panel, outcome_value
from analytics.ingest.mapping import subject_name
from backend.choices import content_id
from components import ids
from components.cards import upload_success
from components.mapping import column_table, message, outcome_options, summary

from .common import HIDDEN

log = logging.getLogger(__name__)
CHANGE_HINT = "To change them, use “Check or change columns” under the upload box."


def _analysis(store, view: dict | None):
    if not view:
        raise PreventUpdate
    try:
        return store.analysis(view["dataset_id"], view.get("personas", PERSONAS))
    except (DataError, KeyError):
        raise PreventUpdate from None  # the overview says why; the panel keeps the last file it showed


def panel(store, view: dict | None) -> tuple:
    """(table, columns store, title, summary line) for the dataset in view."""
    analysis = _analysis(store, view)
    column_map = analysis.column_map
    columns = {"dataset_id": view["dataset_id"], "columns": [info.column for info in column_map.columns],
               "outcome": outcome_value(column_map)}
    return column_table(analysis), columns, f"Columns of {analysis.filename}", summary(analysis)


def subjects_chosen(panel_data: dict | None, roles: list) -> list[tuple[str, str]]:
    """(column, subject name) of each column the panel sets to Subject, for the outcome select."""
    columns = (panel_data or {}).get("columns") or []
    taken: set[str] = set()
    out = []
    for column, role in zip(columns, roles):
        if role == SUBJECT:
            name = subject_name(column, taken)
            taken.add(name)
            out.append((column, name))
    return out


def outcome_choice(panel_data: dict | None, roles: list, current: str | None, fresh: bool) -> tuple:
    subjects = subjects_chosen(panel_data, roles)
    values = {COMBINED} | {column for column, _ in subjects}
    wanted = (panel_data or {}).get("outcome") if fresh else current
    return outcome_options(subjects), wanted if wanted in values else COMBINED


def apply_mapping(store, panel_data: dict | None, roles: list, settings: list[dict], outcome: str | None,
                  personas: int, reset: bool = False) -> tuple:
    """(applied, panel message, panel open) after Apply (or Back to the detected columns): `applied` is
    {dataset_id, reset} for the upload status to switch to. A bad choice leaves the dashboard on its mapping and
    says what to change, in the panel."""
    if not panel_data:
        raise PreventUpdate
    current_id = panel_data["dataset_id"]
    try:
        current = store.analysis(current_id, personas)
        choices = None if reset else choices_from_panel(current.column_map, panel_data["columns"], roles, settings,
                                                        outcome)
        dataset_id = store.with_choices(current_id, choices)
        store.analysis(dataset_id, personas)
    except DataError as err:
        return no_update, message(str(err)), True
    except KeyError:
        return no_update, message("That file is no longer on the server; please upload it again."), True
    except Exception:
        log.exception("applying column choices to %s failed", current_id)
        return no_update, message("Applying the choices failed unexpectedly; the error was logged on the server. "
                                  "The dashboard keeps the previous columns."), True
    store.remember_layout(store.layout(dataset_id), choices)
    return {"dataset_id": dataset_id, "reset": reset}, None, False


def applied_status(store, applied: dict, personas: int) -> tuple:
    """(uploaded, upload status, progress style) once choices are applied: the dashboard switches to them."""
    analysis = store.analysis(applied["dataset_id"], personas)
    status = upload_success(analysis.filename, analysis.rows, len(analysis.personas), len(analysis.trajectories),
                            analysis.warnings)
    line = ("Back to the detected columns; choices for files with these columns are forgotten."
            if applied.get("reset") else
            "Your column choices are applied, and remembered for the next file with the same columns.")
    status.children.append(html.Div(line, className="small mt-1 mapping-note"))
    return {"dataset_id": applied["dataset_id"]}, status, HIDDEN


def remembered(store, dataset_id: str, personas: int) -> tuple[str, str | None]:
    """The dataset id an upload is shown as: with the choices remembered for its header layout, if any and
    they still apply, and the line the upload status says about them."""
    try:
        choices = store.layout_choices(store.layout(dataset_id))
    except (DataError, KeyError):
        return dataset_id, None  # the analysis of the file itself says what is wrong
    except Exception:  # remembered choices are a convenience: the upload goes on with the detected columns
        log.exception("looking up remembered column choices for %s failed", dataset_id)
        return dataset_id, None
    if not choices:
        return dataset_id, None
    chosen = store.with_choices(dataset_id, choices)
    try:
        store.analysis(chosen, personas)
    except DataError as err:
        return content_id(dataset_id), (f"Your saved column choices for files with these columns do not fit this "
                                        f"one ({err}); the detected columns are used. {CHANGE_HINT}")
    return chosen, f"Your column choices for files with these columns were applied. {CHANGE_HINT}"


def settings_of(scales, lows, highs, passes, targets) -> list[dict]:
    return [{"scale": s, "low": lo, "high": hi, "pass_mark": p, "target": t}
            for s, lo, hi, p, t in zip(scales, lows, highs, passes, targets)]


def _all(kind: str) -> State:
    return State({"type": kind, "index": ALL}, "value")


def register(app, store) -> None:
    @app.callback(Output(ids.MAPPING_SUMMARY, "children"), Input(ids.VIEW, "data"))
    def show_summary(view):
        return summary(_analysis(store, view))

    # The table (a row of controls per column, hundreds of components) is built when the panel opens and
    # dropped when it closes: every page load and upload used to send and lay it out for a panel seldom opened.
    # The view is only read: it cannot change while the panel covers the page (Apply closes the panel first).
    @app.callback(Output(ids.MAPPING_BODY, "children"), Output(ids.MAPPING_COLUMNS, "data"),
                  Output(ids.MAPPING_TITLE, "children"),
                  Input(ids.MAPPING_MODAL, "is_open"), State(ids.VIEW, "data"), prevent_initial_call=True)
    def show_panel(is_open, view):
        if not is_open:
            return None, None, no_update
        return panel(store, view)[:3]

    @app.callback(Output(ids.MAPPING_OUTCOME, "options"), Output(ids.MAPPING_OUTCOME, "value"),
                  Input({"type": ids.MAP_ROLE, "index": ALL}, "value"), Input(ids.MAPPING_COLUMNS, "data"),
                  State(ids.MAPPING_OUTCOME, "value"), prevent_initial_call=True)
    def show_outcomes(roles, panel_data, current):
        return outcome_choice(panel_data, roles, current, ctx.triggered_id == ids.MAPPING_COLUMNS)

    # a subject's settings show for subjects only, a custom scale's min and max for a custom scale only
    app.clientside_callback(
        """function (role, scale) {
            const hidden = {display: "none"};
            return [role === "subject" ? {} : hidden, scale === "custom" ? {} : hidden];
        }""",
        Output({"type": ids.MAP_SUBJECT_BOX, "index": MATCH}, "style"),
        Output({"type": ids.MAP_CUSTOM_BOX, "index": MATCH}, "style"),
        Input({"type": ids.MAP_ROLE, "index": MATCH}, "value"), Input({"type": ids.MAP_SCALE, "index": MATCH}, "value"))

    # one callback owns the panel's open state and message: a second writer (allow_duplicate) of the upload
    # status held up the background jobs' replies, so Apply hands its result to the upload callback instead
    @app.callback(Output(ids.MAPPING_MODAL, "is_open"), Output(ids.MAPPING_MESSAGE, "children"),
                  Output(ids.MAPPING_APPLIED, "data"),
                  Input(ids.MAPPING_OPEN, "n_clicks"), Input(ids.MAPPING_CLOSE, "n_clicks"),
                  Input(ids.MAPPING_APPLY, "n_clicks"), Input(ids.MAPPING_RESET, "n_clicks"),
                  State(ids.MAPPING_COLUMNS, "data"), _all(ids.MAP_ROLE), _all(ids.MAP_SCALE), _all(ids.MAP_LOW),
                  _all(ids.MAP_HIGH), _all(ids.MAP_PASS), _all(ids.MAP_TARGET), State(ids.MAPPING_OUTCOME, "value"),
                  State(ids.PERSONA_COUNT, "value"), prevent_initial_call=True)
    def panel_action(_open, _close, _apply, _reset, panel_data, roles, scales, lows, highs, passes, targets,
                     outcome, personas):
        trigger = ctx.triggered_id
        if trigger in (ids.MAPPING_OPEN, ids.MAPPING_CLOSE):
            return trigger == ids.MAPPING_OPEN, None, no_update
        settings = settings_of(scales, lows, highs, passes, targets)
        applied, note, is_open = apply_mapping(store, panel_data, roles, settings, outcome, personas,
                                               reset=trigger == ids.MAPPING_RESET)
        return is_open, note, applied
