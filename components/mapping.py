"""The mapping panel: each column of the file with what it is used as, how sure the match is, sample values and
why a column is left out; a subject's scale, pass mark and target; the outcome. Opened from the upload card."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics.ingest.choices import COMBINED, IDENTIFIER, NOT_USED, SCALE_LABELS, SUBJECT, confidence_words
from analytics.ingest.schema import ROLES

from . import ids

HIDDEN, SHOWN = {"display": "none"}, {}
ROLE_OPTIONS = ([{"label": "Not used", "value": NOT_USED}]
                + [{"label": role.label, "value": role.name} for role in ROLES]
                + [{"label": "Subject (marks)", "value": SUBJECT},
                   {"label": "Identifier (shown to staff, never modelled)", "value": IDENTIFIER}])
SCALE_OPTIONS = [{"label": label, "value": kind} for kind, label in SCALE_LABELS.items()]
INTRO = ("Each column of the file, what the dashboard uses it for, and how sure that match is. Change any "
         "of them, then Apply: every panel is recomputed with your choices, and they are remembered for the "
         "next file with the same columns.")


def _label(text: str, control: dict, column: str | None = None) -> html.Label:
    """A control's label: hidden in the table's Used as column; shown as a short word next to a subject's
    settings, with the column's name for a screen reader ("Maths Mock: pass mark")."""
    if column is None:
        return html.Label(text, htmlFor=ids.dom_id(control), className="visually-hidden")
    return html.Label([html.Span(f"{column}: ", className="visually-hidden"), text], htmlFor=ids.dom_id(control),
                      className="small mb-0")


def _number(kind: str, index: int, column: str, label: str, value) -> html.Div:
    control = ids.map_control(kind, index)
    return html.Div([_label(label, control, column),
                     dbc.Input(id=control, type="number", value=value, size="sm", debounce=True,
                               className="mapping-number")], className="mapping-field")


def subject_settings(index: int, column: str, subject) -> html.Div:
    """A subject's scale (custom min and max for a custom one), pass mark and target; shown for subjects."""
    scale = subject.scale if subject is not None else None
    kind = scale.kind if scale is not None else "percentage"
    custom = kind == "custom"
    scale_id = ids.map_control(ids.MAP_SCALE, index)
    return html.Div([
        html.Div([_label("scale", scale_id, column),
                  dbc.Select(id=scale_id, options=SCALE_OPTIONS, value=kind, size="sm")], className="mapping-field"),
        html.Div([_number(ids.MAP_LOW, index, column, "lowest mark", scale.low if custom else None),
                  _number(ids.MAP_HIGH, index, column, "highest mark", scale.high if custom else None)],
                 id=ids.map_control(ids.MAP_CUSTOM_BOX, index), className="d-flex gap-2",
                 style=SHOWN if custom else HIDDEN),
        _number(ids.MAP_PASS, index, column, "pass mark", subject.pass_mark if subject else None),
        _number(ids.MAP_TARGET, index, column, "target", subject.target if subject else None),
    ], id=ids.map_control(ids.MAP_SUBJECT_BOX, index), className="mapping-subject d-flex flex-wrap gap-2 mt-1",
        style=SHOWN if subject is not None else HIDDEN)


def _note(info, unfit: str | None, subject) -> str:
    if unfit:
        return unfit
    if subject is not None:
        return f"{subject.name}, on the {subject.scale.label} scale"
    return info.why[0].upper() + info.why[1:] if info.why else ""


def column_row(index: int, info, column_map, unfit: str | None):
    subject = next((s for s in column_map.subjects if s.column == info.column), None)
    role_id = ids.map_control(ids.MAP_ROLE, index)
    value = info.role or NOT_USED
    return html.Tr([
        html.Th(info.column, scope="row", className="mapping-column"),
        html.Td([_label(f"{info.column}: used as", role_id),
                 dbc.Select(id=role_id, options=ROLE_OPTIONS, value=value, size="sm")], className="mapping-role"),
        html.Td(confidence_words(info, column_map.chosen), className="small"),
        html.Td(", ".join(info.sample) if info.sample else "(blank)", className="small text-muted"),
        html.Td([html.Div(_note(info, unfit, subject), className="small"),
                 subject_settings(index, info.column, subject)]),
    ], className="mapping-ignored" if info.role is None else None)


def column_table(analysis) -> html.Table:
    column_map = analysis.column_map
    head = html.Thead(html.Tr([html.Th(text, scope="col") for text in
                               ("Column", "Used as", "How sure", "Sample values", "Note")]))
    body = html.Tbody([column_row(i, info, column_map, analysis.unmapped.get(info.column))
                       for i, info in enumerate(column_map.columns)])
    return html.Table([html.Caption(f"Columns of {analysis.filename}", className="visually-hidden"), head, body],
                      className="table table-sm align-middle mapping-table")


def summary(analysis) -> str:
    column_map = analysis.column_map
    used = len(column_map.roles)
    parts = [f"{used} used as roles", f"{len(column_map.subjects)} subject(s)"]
    if column_map.identifiers:
        parts.append(f"{len(column_map.identifiers)} identifier(s)")
    parts.append(f"{len(column_map.ignored)} not used")
    outcome = analysis.mapping.get("exam_score")
    tail = f" · outcome: {outcome}" if outcome else ""
    mine = " · your choices" if column_map.chosen else ""
    return f"{len(column_map.columns)} columns: " + ", ".join(parts) + tail + mine


def outcome_options(subjects: list[tuple[str, str]]) -> list[dict]:
    """(column, label) of each subject chosen in the panel -> the outcome select's options."""
    return ([{"label": "Combined score (mean of the subjects' standard scores)", "value": COMBINED}]
            + [{"label": label, "value": column} for column, label in subjects])


def mapping_opener() -> html.Div:
    """The line under the upload status: what the columns are used for, and the button that opens the panel."""
    return html.Div([
        html.Span(id=ids.MAPPING_SUMMARY, className="small text-muted me-2"),
        dbc.Button([html.I(className="bi bi-table me-1"), "Check or change columns"], id=ids.MAPPING_OPEN,
                   color="link", size="sm", className="p-0 align-baseline"),
    ], className="mt-2 mapping-opener")


def mapping_modal() -> dbc.Modal:
    outcome_label = html.Label("Outcome the models predict (when no column is the exam score)",
                               htmlFor=ids.MAPPING_OUTCOME, className="form-label fw-semibold mb-1")
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Columns", id=ids.MAPPING_TITLE)),
        dbc.ModalBody([
            html.P(INTRO, className="small"),
            html.Div([outcome_label, dbc.Select(id=ids.MAPPING_OUTCOME, options=outcome_options([]),
                                                value=COMBINED, size="sm")], className="mb-3 mapping-outcome"),
            html.Div(id=ids.MAPPING_MESSAGE, role="status", **{"aria-live": "polite"}),
            # filled when the panel opens (callbacks/mapping.py): a spinner if that takes a moment
            dcc.Loading(html.Div(id=ids.MAPPING_BODY, className="table-responsive"), type="dot", delay_show=300),
            dcc.Store(id=ids.MAPPING_COLUMNS),
            dcc.Store(id=ids.MAPPING_APPLIED),
        ]),
        dbc.ModalFooter([
            dbc.Button("Back to the detected columns", id=ids.MAPPING_RESET, color="primary", outline=True),
            dbc.Button("Close", id=ids.MAPPING_CLOSE, color="primary", outline=True),
            dbc.Button("Apply", id=ids.MAPPING_APPLY, color="primary"),
        ]),
    ], id=ids.MAPPING_MODAL, size="xl", scrollable=True, is_open=False)


def message(text: str, ok: bool = False):
    return dbc.Alert(text, color="success" if ok else "danger", className="py-2 small mb-2")
