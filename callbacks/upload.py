"""Uploads: a Flask route takes the raw file (assets/upload.js shows progress), a callback analyses it."""
from __future__ import annotations

import logging
import os
from urllib.parse import unquote

from dash import Input, Output, State, ctx, html, no_update
from flask import jsonify, request
from werkzeug.exceptions import ClientDisconnected

from analytics import DataError
from analytics.ingest.read import check_size
from analytics.ingest.screen import screen
from backend.audit import log_for
from backend.erase import refuse
from backend.uploads import DiskFull, QuotaExceeded
from components import ids
from components.cards import upload_error, upload_success

from .common import HIDDEN, SHOWN
from .mapping import applied_status, remembered

log = logging.getLogger(__name__)
ROUTE = "api/upload"
MAX_DRAIN = 4 * 2**30  # an oversized body without a length is read (and dropped) this far to size it


def clean_filename(header: str | None) -> str:
    name = os.path.basename(unquote(header or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())[:120]
    return name or "upload.csv"


def receive(store, read, content_length: int | None, filename: str, rest=None) -> tuple[dict, int]:
    """Refuse by the declared size before reading; `read(limit)` returns at most `limit` bytes of the body.

    `rest()`, for a body without a declared length, reads what is left past the limit and returns its size,
    so a refusal names the file's real size rather than the limit.
    """
    size = content_length
    try:
        if size is not None:
            check_size(size, filename, store.max_bytes)
        data = read(store.max_bytes + 1)  # a body without a declared length is still cut off past the limit
        size = len(data)
        if content_length is None and size > store.max_bytes and rest is not None:
            size += rest()
            if size >= MAX_DRAIN:
                raise DataError(f"the file is more than {MAX_DRAIN / 2**20:,.0f} MB, over the "
                                f"{store.max_bytes / 2**20:.0f} MB limit; split it or raise the limit "
                                "(COHORT_ATLAS_MAX_MB)", file=filename)
            check_size(size, filename, store.max_bytes)
        if content_length is not None and size < content_length:
            raise DataError(f"the upload was cut short: {size:,} of its {content_length:,} bytes arrived; "
                            "upload it again", file=filename)
        screen(data, filename)  # bytes that are no table are refused before anything is kept
        dataset_id = store.upload(data, filename)
    except DiskFull as err:
        return {"error": str(err)}, 507
    except QuotaExceeded as err:
        return {"error": str(err)}, 403
    except DataError as err:
        return {"error": str(err)}, 413 if (size or 0) > store.max_bytes else 400
    except Exception:
        log.exception("storing upload %s failed", filename)
        return {"error": f"file '{filename}': the server could not store it; the error was logged"}, 500
    return {"dataset_id": dataset_id, "filename": filename}, 200


def analyse_upload(store, result: dict | None, personas: int) -> tuple:
    """(uploaded dataset, status message, progress style) for what upload.js reported."""
    if not result:
        return no_update, no_update, no_update
    if result.get("error"):
        return no_update, upload_error(str(result["error"])), HIDDEN
    filename = result.get("filename") or "the file"
    dataset_id, note = result.get("dataset_id"), None
    try:
        dataset_id, note = remembered(store, dataset_id, personas)  # choices kept for files with these columns
        analysis = store.analysis(dataset_id, personas)
    except DataError as err:
        refuse(store, result.get("dataset_id"))  # a file that cannot be analysed is not kept
        return no_update, upload_error(str(err)), HIDDEN
    except KeyError:
        return no_update, upload_error(f"file '{filename}': the upload was lost on the server; try again"), HIDDEN
    except Exception:  # a teacher gets one line; the traceback goes to the server log
        log.exception("analysis of upload %s (%s) failed", filename, result.get("dataset_id"))
        return no_update, upload_error(f"file '{filename}': the analysis failed unexpectedly; the error was "
                                       "logged on the server"), HIDDEN
    sheets = [w for w in analysis.warnings if w.startswith("Read sheet ")]
    message = upload_success(filename, analysis.rows, len(analysis.personas), len(analysis.trajectories),
                             [w for w in analysis.warnings if w not in sheets], analysis.sheet,
                             sheets[0].replace("the Sheet menu under the upload", "the Sheet menu below") if sheets else None)
    if note:
        message.children.append(html.Div(note, className="small mt-1 mapping-note"))
    return {"dataset_id": dataset_id}, message, HIDDEN


def sheet_choices(store, dataset_id: str | None, personas: int) -> tuple:
    """(box style, options, value) of the sheet menu: shown only for a workbook with several sheets."""
    try:
        analysis = store.analysis(dataset_id, personas) if store.has(dataset_id) else None
    except Exception:  # the dashboard says what is wrong with the dataset; the menu just stays hidden
        analysis = None
    if analysis is None or len(analysis.sheets) < 2:
        return HIDDEN, [], None
    return SHOWN, [{"label": name, "value": name} for name in analysis.sheets], analysis.sheet


def choose_sheet(store, sheet: str | None, dataset_id: str | None, personas: int) -> tuple:
    """(uploaded dataset, status message, menu value) when a sheet is chosen: the same stored bytes read at
    that sheet, as a dataset of its own. A sheet that cannot be read leaves the dashboard and the menu as
    they were and says why."""
    if not sheet or not store.has(dataset_id):
        return no_update, no_update, no_update
    current = store.analysis(dataset_id, personas)
    if sheet == current.sheet:
        return no_update, no_update, no_update
    chosen = store.with_sheet(dataset_id, sheet)
    uploaded, message, _ = analyse_upload(store, {"dataset_id": chosen, "filename": current.filename}, personas)
    return uploaded, message, current.sheet if uploaded is no_update else no_update


def _read_body(limit: int) -> bytes:
    """Up to `limit` bytes; a body that ends before its Content-Length gives what arrived."""
    chunks, total = [], 0
    try:
        while total < limit:  # a stream read may return less than asked, so loop to the end or the limit
            chunk = request.stream.read(min(2**20, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except (ClientDisconnected, OSError):  # or a read timeout: receive() finds the body cut short
        pass
    return b"".join(chunks)


def _rest_of_body() -> int:
    """Bytes left in a body without a declared length, read and dropped (up to MAX_DRAIN)."""
    total = 0
    while total < MAX_DRAIN:
        chunk = request.stream.read(2**20)
        if not chunk:
            break
        total += len(chunk)
    return total


def register(app, store) -> None:
    route = app.config.routes_pathname_prefix + ROUTE

    @app.server.post(route)
    def upload_file():
        filename = clean_filename(request.headers.get("X-Filename"))
        reply, status = receive(store, _read_body, request.content_length, filename, _rest_of_body)
        log_for(store.directory).record("upload" if status == 200 else "refuse", reply.get("dataset_id"), filename,
                                        None if status == 200 else reply.get("error"))
        return jsonify(reply), status

    @app.callback(Output(ids.UPLOADED, "data"), Output(ids.UPLOAD_STATUS, "children"),
                  Output(ids.UPLOAD_PROGRESS, "style"), Input(ids.UPLOAD_RESULT, "data"),
                  Input(ids.MAPPING_APPLIED, "data"), State(ids.PERSONA_COUNT, "value"), prevent_initial_call=True)
    def show_upload(result, applied, personas):
        if ctx.triggered_id == ids.MAPPING_APPLIED:  # the mapping panel's choices: the dashboard follows them
            return applied_status(store, applied, personas) if applied else (no_update,) * 3
        return analyse_upload(store, result, personas)

    @app.callback(Output(ids.SHEET_BOX, "style"), Output(ids.SHEET_PICKER, "options"),
                  Output(ids.SHEET_PICKER, "value"), Input(ids.DATASET_ID, "data"), State(ids.PERSONA_COUNT, "value"))
    def show_sheets(dataset_id, personas):
        return sheet_choices(store, dataset_id, personas)

    @app.callback(Output(ids.UPLOADED, "data", allow_duplicate=True),
                  Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
                  Output(ids.SHEET_PICKER, "value", allow_duplicate=True), Input(ids.SHEET_PICKER, "value"),
                  State(ids.DATASET_ID, "data"), State(ids.PERSONA_COUNT, "value"), prevent_initial_call=True)
    def pick_sheet(sheet, dataset_id, personas):
        return choose_sheet(store, sheet, dataset_id, personas)
