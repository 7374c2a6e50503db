"""Terms: add a later term to the dataset in view, link the set in a background job, and draw the Over time
section (summary, Sankey, joined and left, subjects across terms) and the profile card's line across terms.

The browser holds only {"dataset_id", "set", "personas"} (ids.TERMS_SET); the files, the set and its tracking
stay in the store (backend/terms_store.py). The Sankey and the subjects chart follow the filters: with a filter
on, they count the students of the dashboard's file who are in view, by student id.
"""
from __future__ import annotations

import base64
import binascii
import logging

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from analytics import DataError
from analytics.explore import filters as flt
from analytics.track import over_time as ot
from backend.terms_store import TermsNotReady
from components import ids
from components import terms as view_terms
from components.cards import note, upload_error
from components.figures import empty

from .common import HIDDEN, SHOWN, min_group
from .context import request
from .upload import clean_filename

log = logging.getLogger(__name__)
GROUP_KEYS = ("year_group", "form", "fsm", "sen", "eal", "gender")
ONE_TERM = ("This dataset has one term. Add the next term's export of the same students with \"Add a term\" "
            "under the upload to see persona moves, who joined and left, and each subject across terms.")


def set_state(store, view: dict | None) -> dict | None:
    if not view:
        return None
    return {"dataset_id": view["dataset_id"], "set": store.term_set(view["dataset_id"]),
            "personas": view.get("personas", 5)}


def start(store, state: dict | None):
    """What starts the tracking job: the state while its tracking is not stored, else nothing."""
    if state and state.get("set") and not store.has_tracking(state["set"], state["personas"]):
        return state
    return no_update


def add_term(store, contents: str | None, filename: str | None, view: dict | None) -> tuple:
    """(status, terms state, job start) after a later term's file arrives for the dataset in view."""
    if not contents or not view:
        raise PreventUpdate
    name = clean_filename(filename)
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=False)
        added = store.add(data, name)
        set_id = store.link_term(view["dataset_id"], added)
    except (IndexError, binascii.Error):
        return upload_error(f"file '{name}': the upload arrived incomplete; try again"), no_update, no_update
    except DataError as err:
        return upload_error(str(err)), no_update, no_update
    members = store.term_members(set_id)
    state = {"dataset_id": view["dataset_id"], "set": set_id, "personas": view.get("personas", 5)}
    text = (f"Added {name} as term {len(members)} of {len(members)} "
            f"({', '.join(store.filename(m) for m in members)}); see Over time.")
    return note(text), state, start(store, state)


def tracking_for(store, state: dict | None):
    """(tracking or None, note or None) for the terms state."""
    if not state or not state.get("set"):
        return None, note(ONE_TERM)
    try:
        return store.tracking(state["set"], state["personas"]), None
    except TermsNotReady:
        return None, note("The terms are being linked… this section fills in when they are.")
    except DataError as err:
        return None, upload_error(f"The terms could not be linked: {err}")


def in_view(store, view: dict | None, filters: dict | None, tracking, ignore: tuple[str, ...] = ()):
    """The ids in view (None: no filter applies, so every student of every term counts)."""
    req = request(store, view, filters=filters)
    active = {k for k in req.filters if k not in ignore}
    if not active:
        return None
    return ot.ids_in_view(req.analysis, tracking.id_column, req.keep(ignore=ignore))


def summary(store, state) -> tuple:
    """(summary, movers, subject options, subject value, group options)."""
    tracking, message = tracking_for(store, state)
    if tracking is None:
        return message, None, [], None, []
    out = view_terms.summary_row(tracking.files, [a.rows for a in tracking.analyses], len(tracking.linked),
                                 len(tracking.joined), len(tracking.left), len(tracking.duplicates))
    movers = view_terms.movers(ot.listed(tracking, "joined"), ot.listed(tracking, "left"))
    subjects = list(tracking.subjects)
    first = tracking.analyses[0]
    groups = [{"label": "Everyone", "value": "all"}] + [
        {"label": flt.LABELS[k], "value": k} for k in GROUP_KEYS if flt.group_column(first, k)]
    return out, movers, [{"label": s, "value": s} for s in subjects], subjects[0] if subjects else None, groups


def sankey(store, state, view, filters) -> tuple:
    tracking, message = tracking_for(store, state)
    if tracking is None:
        return empty("Add a term to see persona moves."), None
    if not tracking.moves:
        return empty("No persona moves to show."), note(" ".join(tracking.warnings) or "The first term has no personas.")
    keep = in_view(store, view, filters, tracking, ignore=("move",))
    steps = ot.moves(tracking, keep)
    names = [p.name for p in tracking.analyses[0].personas]
    selected = (filters or {}).get("move")
    fig = view_terms.sankey(steps, names, len(tracking.analyses), selected)
    moved = [sum(m["count"] for m in s if m["from"] != m["to"]) for s in steps]
    total = [sum(m["count"] for m in s) for s in steps]
    lines = [f"T{i + 1} → T{i + 2}: {m:,} of {t:,} linked students changed persona" for i, (m, t) in
             enumerate(zip(moved, total))]
    scope = "students in view" if keep is not None else "every linked student"
    return fig, [note(f"{'; '.join(lines)} ({scope}). " + " ".join(tracking.warnings[:2])),
                 view_terms.moves_table(steps)]


def subjects_chart(store, state, view, filters, subject, group, measure) -> tuple:
    tracking, _ = tracking_for(store, state)
    if tracking is None or not subject or subject not in tracking.subjects:
        return empty("Add a term to see each subject across terms."), None
    key = None if group in (None, "", "all") else group
    keep = in_view(store, view, filters, tracking, ignore=(key,) if key else ())
    measure = measure if measure in ot.MEASURES else "mean"
    threshold = min_group()
    table = ot.series(tracking, subject, key, keep, measure, threshold)
    mark = ot.mark_for(tracking, subject)
    labels = [f"T{k + 1}" for k in range(len(tracking.analyses))]
    bands = ot.reference_bands(store.reference(view["dataset_id"]) if view else None, subject, measure, mark,
                               key is not None)
    mark_text = f"{mark.value:g} ({mark.basis})" if mark else ""
    fig = view_terms.over_time(table, labels, measure, key, (filters or {}).get(key) if key else None, bands,
                               mark_text)
    hidden = int(table["value"].isna().sum()) if not table.empty else 0
    parts = [f"Terms: {', '.join(f'{label} {name}' for label, name in zip(labels, tracking.files))}."]
    if measure == "below" and mark:
        parts.append(f"At risk = below {mark.value:g}, the first term's {mark.basis} for {subject}.")
    if hidden:
        parts.append(f"{hidden} group-term point(s) under {threshold} students are not shown.")
    if tracking.refused:
        parts.append(" ".join(tracking.refused.values()))
    return fig, note(" ".join(parts))


def profile_line(store, row, view) -> object:
    if row is None or not view:
        return None
    set_id = store.term_set(view["dataset_id"])
    if not set_id:
        return None
    try:
        tracking = store.tracking(set_id, view.get("personas", 5))
    except (TermsNotReady, DataError):
        return None
    analysis = request(store, view).analysis
    ids_ = ot.row_ids(analysis, tracking.id_column)
    if not 0 <= int(row) < len(ids_):
        return None
    line = ot.student_line(tracking, ids_.iloc[int(row)])
    return None if line is None else view_terms.student_line(line, list(tracking.subjects))


def register(app, store) -> None:
    @app.callback(Output(ids.TERMS_SET, "data"), Output(ids.TERMS_START, "data"), Input(ids.VIEW, "data"))
    def follow_view(view):
        state = set_state(store, view)
        return state, start(store, state)

    @app.callback(Output(ids.TERM_STATUS, "children"), Output(ids.TERMS_SET, "data", allow_duplicate=True),
                  Output(ids.TERMS_START, "data", allow_duplicate=True), Input(ids.TERM_UPLOAD, "contents"),
                  State(ids.TERM_UPLOAD, "filename"), State(ids.VIEW, "data"), prevent_initial_call=True)
    def upload_term(contents, filename, view):
        return add_term(store, contents, filename, view)

    @app.callback(Output(ids.TERMS_READY, "data"), Input(ids.TERMS_START, "data"), background=True,
                  running=[(Output(ids.TERMS_PROGRESS, "style"), SHOWN, HIDDEN)], prevent_initial_call=True)
    def link_terms(state):
        if not state or not state.get("set"):
            raise PreventUpdate
        try:
            found = store.track_terms(state["set"], state["personas"])
        except Exception:  # one line for the section; the traceback goes to the log
            log.exception("linking terms %s failed", state["set"])
            found = "failed"
        return {**state, "ok": not isinstance(found, str)}

    @app.callback(Output(ids.TERMS_SUMMARY, "children"), Output(ids.TERMS_MOVERS, "children"),
                  Output(ids.TERMS_SUBJECT, "options"), Output(ids.TERMS_SUBJECT, "value"),
                  Output(ids.TERMS_GROUP, "options"), Input(ids.TERMS_SET, "data"), Input(ids.TERMS_READY, "data"))
    def show_summary(state, _ready):
        return summary(store, state)

    @app.callback(Output(ids.TERMS_SANKEY, "figure"), Output(ids.TERMS_SANKEY_NOTE, "children"),
                  Input(ids.TERMS_SET, "data"), Input(ids.TERMS_READY, "data"), Input(ids.FILTERS, "data"),
                  State(ids.VIEW, "data"))
    def show_sankey(state, _ready, filters, view):
        return sankey(store, state, view, filters)

    @app.callback(Output(ids.OVER_TIME_CHART, "figure"), Output(ids.OVER_TIME_NOTE, "children"),
                  Input(ids.TERMS_SET, "data"), Input(ids.TERMS_READY, "data"), Input(ids.FILTERS, "data"),
                  Input(ids.TERMS_SUBJECT, "value"), Input(ids.TERMS_GROUP, "value"),
                  Input(ids.TERMS_MEASURE, "value"), Input(ids.BENCH_LOADED, "data"), State(ids.VIEW, "data"))
    def show_subjects(state, _ready, filters, subject, group, measure, _bench, view):
        if ctx.triggered_id == ids.BENCH_LOADED and not (state and state.get("set")):
            raise PreventUpdate
        return subjects_chart(store, state, view, filters, subject, group, measure)

    @app.callback(Output(ids.PROFILE_TERMS, "children"), Input(ids.STUDENT, "data"), State(ids.VIEW, "data"),
                  prevent_initial_call=True)
    def show_line(row, view):
        return profile_line(store, row, view)
