"""The leadership report as a background job: built for one view from the stored analysis and risk model,
kept in the store for an hour under an unguessable token, and handed out only to the person who asked.

The request that starts it (callbacks/report.py) reads who is asking and whether they may list students; the
job process has no request, so it gets both in `ask` and never decides them itself.
"""
from __future__ import annotations

import logging
import secrets
from datetime import date

from analytics.errors import DataError
from analytics.explore import filters as flt
from analytics.predict.risk import NoModel

from .limits import TimeLimit, job_seconds, limit_text, time_limit

log = logging.getLogger(__name__)
KEEP_SECONDS = 3600
STAFF = ("admin", "leader", "teacher")  # identity roles that may see the student list


def may_list_students(identity) -> bool:
    return identity is not None and identity.role in STAFF


def _key(token: str) -> tuple:
    return ("report", token)


def save_ask(store, ask: dict) -> str:
    """Keep what the job is to build on the server: the page holds only this id, so nobody can ask the job for
    a student list (or someone else's name on the report) by editing what their browser sends."""
    ask_id = secrets.token_urlsafe(18)
    store.cache.set(("report-ask", ask_id), dict(ask), expire=KEEP_SECONDS)
    return ask_id


def saved_ask(store, ask_id) -> dict | None:
    return store.cache.get(("report-ask", ask_id)) if isinstance(ask_id, str) and ask_id else None


def build_report(store, ask: dict, say=lambda _text: None) -> dict:
    """`ask`: {dataset_id, personas, filters, include_students, owner, school}. Returns {token, pdf, note,
    students, error}; the HTML and PDF wait in the store under the token."""
    from analytics.report.build import build
    from analytics.report.pdf import pdf_bytes
    from analytics.report.render import render

    dataset_id, personas = ask["dataset_id"], int(ask.get("personas") or 5)
    try:
        with time_limit(job_seconds()):
            analysis = store.analysis(dataset_id, personas)
            filters = flt.normalise(analysis, ask.get("filters") or {})
            keep = flt.mask(analysis, filters, selection=store.selection(filters.get("selection")))
            risk, ctx, note = None, None, ""
            if analysis.exam_column:
                say("Learning the risk model (or reading it)…")
                try:
                    store.fit_risk(dataset_id)
                    ctx = store.whatif(dataset_id, None, personas)
                    risk = ctx.risk
                except NoModel as err:
                    note = str(err)
            else:
                note = "this file has no exam scores to learn from"
            say("Writing the report…")
            view = [text for _, text in flt.chips(filters)]
            data = build(analysis, keep, view=view, include_students=bool(ask.get("include_students")),
                         risk=risk, ctx=ctx, risk_note=note, school=ask.get("school"),
                         reference=_reference(store, dataset_id))
            html = render(data)
            say("Printing the PDF…")
            try:
                pdf, pdf_note = pdf_bytes(html), ""
            except DataError as err:
                pdf, pdf_note = None, str(err)
    except TimeLimit:
        return {"error": f"The report took longer than the server's limit of {limit_text(job_seconds())}"}
    except (DataError, KeyError) as err:
        return {"error": str(err) if isinstance(err, DataError) else "That dataset is no longer on the server."}
    except Exception:
        log.exception("report for %s failed", dataset_id)
        return {"error": "The report failed unexpectedly; the error was logged on the server."}
    token = secrets.token_urlsafe(18)
    stem = f"cohort-report-{date.today():%Y-%m-%d}"
    store.cache.set(_key(token), {"html": html, "pdf": pdf, "owner": ask.get("owner"), "stem": stem,
                                  "dataset_id": dataset_id, "filename": analysis.filename,
                                  "students": bool(ask.get("include_students"))}, expire=KEEP_SECONDS)
    return {"token": token, "pdf": pdf is not None, "note": pdf_note, "students": data.kpis["students"],
            "error": None}


def stored_report(store, token: str, owner: str | None) -> dict | None:
    """The stored report for its owner; None for an unknown or expired token or anyone else."""
    found = store.cache.get(_key(token)) if token and token.replace("-", "").replace("_", "").isalnum() else None
    if not found or found.get("owner") != owner:
        return None
    return found


def _reference(store, dataset_id: str):
    """The reference figures loaded for the dataset (Benchmarks section), so the report compares with them too."""
    try:
        return store.reference(dataset_id)
    except DataError:  # a reference that no longer reads is left out; the Benchmarks section says why
        return None
