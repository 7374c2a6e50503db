"""Benchmarks: the leader loads a reference CSV (or the bundled example), the store keeps it for the dataset and
the school, and the section compares the school's file with it (analytics.compare). Rows the file cannot answer
(an unknown subject or group, a share on another scale) are named with their reason, never an error."""
from __future__ import annotations

import base64
import binascii
import os
import time

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from analytics import DataError
from analytics.compare.benchmark import benchmark
from analytics.compare.school import from_analysis
from backend.terms_store import TermsNotReady
from components import benchmarks as view
from components import ids
from components.cards import note, upload_error

from .context import request
from .upload import clean_filename

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples",
                       "reference-england-ks4.csv")
NO_REFERENCE = ("No reference loaded. Load a CSV of published figures, or use the example (national figures for "
                "England; every row cites its DfE publication and year).")


def load(store, trigger, contents: str | None, filename: str | None, dataset_id: str | None) -> tuple:
    """(status, loaded marker) after the leader loads a file, picks the example or clears the reference."""
    if not store.has(dataset_id):  # none, unknown, or another school's: nothing to attach a reference to
        raise PreventUpdate
    if trigger == ids.BENCH_CLEAR:
        store.forget_reference(dataset_id)
        return note("Reference cleared."), {"dataset_id": dataset_id, "t": time.time()}
    if trigger == ids.BENCH_EXAMPLE:
        with open(EXAMPLE, "rb") as fh:
            data, name = fh.read(), os.path.basename(EXAMPLE)
    elif contents:
        name = clean_filename(filename)
        try:
            data = base64.b64decode(contents.split(",", 1)[1])
        except (IndexError, binascii.Error):
            return upload_error(f"file '{name}': the upload arrived incomplete; try again"), no_update
    else:
        raise PreventUpdate
    try:
        reference = store.save_reference(dataset_id, data, name)
    except DataError as err:
        return upload_error(str(err)), no_update
    return (note(f"Loaded {reference.filename}: {len(reference.figures)} figures."),
            {"dataset_id": dataset_id, "t": time.time()})


def per_term(store, dataset_id: str, personas: int, reference) -> tuple[list[str], dict]:
    """(term labels, {(term, reference row): the school's value that term}) when the dataset has terms."""
    set_id = store.term_set(dataset_id)
    if not set_id:
        return [], {}
    try:
        tracking = store.tracking(set_id, personas)
    except (TermsNotReady, DataError):
        return [], {}
    out = {}
    for k, analysis in enumerate(tracking.analyses):
        for row in benchmark(from_analysis(analysis), reference).comparisons:
            out[(k, row["row"])] = row["school"]
    return [f"T{k + 1}" for k in range(len(tracking.analyses))], out


def panels(store, view_state: dict | None) -> tuple:
    """(status, chart, gaps, table, skipped) for the dataset in view, against its reference."""
    req = request(store, view_state)
    reference = store.reference(req.dataset_id)
    if reference is None:
        return note(NO_REFERENCE), None, None, None, None
    result = benchmark(from_analysis(req.analysis), reference)
    terms, values = per_term(store, req.dataset_id, req.personas, reference)
    status = note(f"{req.analysis.filename} against {reference.filename}: {len(result.comparisons)} figure(s) "
                  f"compared, {len(result.skipped)} not; groups under {result.min_group} students are not shown.")
    return (status, view.chart(result.comparisons), view.gaps(result.gaps),
            view.table(result.comparisons, terms, values, result.min_group) if result.comparisons else None,
            view.skipped(result.skipped, result.warnings))


def register(app, store) -> None:
    @app.callback(Output(ids.BENCH_STATUS, "children", allow_duplicate=True), Output(ids.BENCH_LOADED, "data"),
                  Input(ids.BENCH_UPLOAD, "contents"), Input(ids.BENCH_EXAMPLE, "n_clicks"),
                  Input(ids.BENCH_CLEAR, "n_clicks"), State(ids.BENCH_UPLOAD, "filename"),
                  State(ids.VIEW, "data"), prevent_initial_call=True)
    def load_reference(contents, _example, _clear, filename, view_state):
        return load(store, ctx.triggered_id, contents, filename, (view_state or {}).get("dataset_id"))

    @app.callback(Output(ids.BENCH_STATUS, "children"), Output(ids.BENCH_CHART, "children"),
                  Output(ids.BENCH_GAPS, "children"), Output(ids.BENCH_TABLE, "children"),
                  Output(ids.BENCH_SKIPPED, "children"), Input(ids.VIEW, "data"), Input(ids.BENCH_LOADED, "data"),
                  Input(ids.TERMS_READY, "data"))
    def show_benchmarks(view_state, _loaded, _terms):
        return panels(store, view_state)
