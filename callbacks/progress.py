"""The Progress panel for the current view: mean progress by group, the share on track, what progress means."""
from __future__ import annotations

from dash import Input, Output, State

from analytics.explore import progress as prog
from components import ids
from components.cards import note
from components.figures import empty
from components.progress import meaning, missing_text, progress_chart, summary

from .common import HIDDEN, SHOWN, if_changed, min_group
from .context import request

OUTPUTS = ("subject_options", "subject", "by_options", "by", "controls", "meaning", "summary", "figure", "graph",
           "note")


def _pick(options: list[tuple[str, str]], wanted):
    values = [v for v, _ in options]
    return wanted if wanted in values else values[0]


def progress_panel(analysis, subject, by, keep_for, threshold: int, filters: dict | None = None) -> dict:
    """Everything the panel shows. `keep_for(key)` is the view without the filter `key` (None: the whole view),
    so a chart whose bars set a filter keeps every bar of its own dimension."""
    progress = analysis.progress
    if progress is None or progress.reason:
        why = progress.reason if progress is not None else "needs the file to be analysed again"
        return {**dict.fromkeys(OUTPUTS, None), "subject_options": [], "by_options": [], "controls": HIDDEN,
                "meaning": None, "summary": None, "figure": empty(), "graph": HIDDEN,
                "note": note(f"Progress {why}: it compares each student's result with students who had the same "
                             "prior attainment.")}
    subjects, groups = prog.subjects(progress), prog.groups(analysis)
    subject, by = _pick(subjects, subject), _pick(groups, by)
    key = prog.filter_key(analysis, by) if by not in (prog.EVERYONE, prog.SUBJECT) else None
    view = prog.progress_view(analysis, subject, by, keep_for(key), threshold)
    everyone = prog.progress_view(analysis, subject, prog.EVERYONE, keep_for(None), threshold) if key else view
    label = dict(subjects)[subject] if subject != prog.ALL else "subjects'"
    methods = {progress.subjects[n].method for n in (progress.averaged() if subject == prog.ALL else [subject])}
    prior = analysis.previous_column.replace("_", " ")
    shown_unit = "SD" if by == prog.SUBJECT else view.unit
    hidden = int(view.table["suppressed"].sum())
    notes = [text for text in (
        missing_text(everyone.no_mark, everyone.no_prior),
        f"{hidden} group{'s' if hidden > 1 else ''} with fewer than {threshold} students with a progress score "
        "not shown (small groups are not reported)." if hidden else None,
        "Comparing subjects: each in standard deviations of its own results, whatever is chosen under Progress in."
        if by == prog.SUBJECT else None) if text]
    return {"subject_options": [{"label": text, "value": value} for value, text in subjects], "subject": subject,
            "by_options": [{"label": text, "value": value} for value, text in groups], "by": by,
            "controls": SHOWN,
            "meaning": meaning(label, prior, shown_unit, everyone.target, "curve" if "curve" in methods else "bands"),
            "summary": summary(everyone.overall, everyone.unit, everyone.sd, threshold),
            "figure": progress_chart(view.table, shown_unit, view.sd if by != prog.SUBJECT else None, key,
                                     (filters or {}).get(key)),
            "graph": SHOWN, "note": [note(text) for text in notes] or None}


def register(app, store) -> None:
    @app.callback(Output(ids.PROGRESS_SUBJECT, "options"), Output(ids.PROGRESS_SUBJECT, "value"),
                  Output(ids.PROGRESS_BY, "options"), Output(ids.PROGRESS_BY, "value"),
                  Output(ids.PROGRESS_CONTROLS, "style"), Output(ids.PROGRESS_MEANING, "children"),
                  Output(ids.PROGRESS_SUMMARY, "children"), Output(ids.PROGRESS_CHART, "figure"),
                  Output(ids.PROGRESS_GRAPH, "style"), Output(ids.PROGRESS_NOTE, "children"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"), Input(ids.PROGRESS_SUBJECT, "value"),
                  Input(ids.PROGRESS_BY, "value"), State(ids.PROGRESS_SUBJECT, "options"),
                  State(ids.PROGRESS_BY, "options"), State(ids.PROGRESS_CONTROLS, "style"),
                  State(ids.PROGRESS_MEANING, "children"), State(ids.PROGRESS_GRAPH, "style"))
    def show_progress(view, filters, subject, by, subject_options, by_options, controls, shown_meaning, graph):
        req = request(store, view, filters=filters)
        out = progress_panel(req.analysis, subject, by,
                             lambda key: req.keep(ignore=(key,)) if key else req.mask, min_group(), req.filters)
        shown = {"subject_options": subject_options, "by_options": by_options, "controls": controls,
                 "meaning": shown_meaning, "graph": graph}
        return tuple(if_changed(out[k], shown[k]) if k in shown else out[k] for k in OUTPUTS)

