"""KPI tiles, persona/trajectory lists and the alerts the upload and analysis produce."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from . import ids

WARNINGS_SHOWN = 3  # longer warning lists start collapsed so the dashboard stays in view
TOOLTIP_WARNINGS = 5


def _part(part_type: str, name: str | None) -> dict:
    return {"id": {"type": part_type, "part": name}} if name else {}


def _tile(icon: str, label: str, value, detail, tone: str = "primary", tile_id: str | None = None,
          part: str | None = None):
    """`part` names the value and detail that follow the filters (ids.KPI_PART), so a click rewrites only them."""
    body = [
        html.Div(html.I(className=f"bi bi-{icon}"), className=f"kpi-icon kpi-{tone}"),
        html.Div([html.Div(label, className="kpi-label"),
                  html.Div(value, className="kpi-value", **_part(ids.KPI_PART, part and f"{part}-value")),
                  html.Div(detail, className="kpi-detail", **_part(ids.KPI_PART, part and f"{part}-detail"))],
                 className="kpi-text"),
    ]
    return dbc.Card(dbc.CardBody(body, className="kpi-body"), className="kpi-card h-100",
                    **({"id": tile_id} if tile_id else {}))


def kpi_row(k: dict) -> list:
    outcome = k.get("outcome_label", "exam score")
    exam = ("—", "no exam score column") if k["mean_exam"] is None else (
        f"{k['mean_exam']:.1f}", f"mean of {k['exam_column']}")
    if k["weakest_name"] is None:
        weakest = ("—", "trajectories not available")
    else:
        share = "—" if k["weakest_share"] is None else f"{k['weakest_share']:.0%}"
        weakest = (share, [f"{k['weakest_size']:,} students are ", html.Strong(f"“{k['weakest_name']}”"),
                           html.Span(f" · weakest = lowest mean {outcome} ({k['weakest_mean']:.1f})",
                                     className="kpi-hint", id=ids.KPI_WEAKEST_RULE)])
    quality = f"{k['warnings']} warning{'s' if k['warnings'] != 1 else ''}"
    imputed_list = [html.Div(f"{col}: {n:,}") for col, n in k["imputed"].items()] or [html.Div("No blanks filled in")]
    filtered = k.get("total", k["students"]) != k["students"]
    tiles = [
        _tile("people-fill", "Students", f"{k['students']:,}",
              f"in this view, of {k['total']:,}" if filtered else "rows analysed", "primary", ids.KPI_STUDENTS,
              part="students"),
        _tile("mortarboard-fill", f"Mean {outcome}", *exam, tone="success", part="exam"),
        _tile("graph-down-arrow", "In the weakest trajectory", *weakest, tone="danger", part="weakest"),
        _tile("clipboard2-check-fill", "Data quality", f"{k['imputed_cells']:,} cells filled in",
              [quality, html.Span(" · hover for details", className="kpi-hint")], "warning", "kpi-quality"),
    ]
    if k.get("outliers") is not None:
        tiles.insert(3, _tile("exclamation-diamond-fill", "Outliers", f"{k['outliers']:,}",
                              "unusual profiles in view" if filtered else "unusual profiles", "info", ids.KPI_OUTLIERS,
                              part="outliers"))
    notes = [html.Li(w) for w in k["warning_list"][:TOOLTIP_WARNINGS]]
    if len(k["warning_list"]) > TOOLTIP_WARNINGS:
        notes.append(html.Li(f"and {len(k['warning_list']) - TOOLTIP_WARNINGS} more"))
    warnings = [html.Div("Warnings", className="fw-semibold mt-2 mb-1"), html.Ul(notes)] if notes else []
    tooltip = dbc.Tooltip([html.Div("Cells filled in, per column", className="fw-semibold mb-1"), *imputed_list,
                           *warnings], target="kpi-quality", placement="bottom", className="quality-tooltip",
                          fade=False)  # a half-faded tooltip is text at too little contrast for a moment
    return [dbc.Col(t, xs=12, sm=6, xl=True, className="mb-3") for t in tiles] + [tooltip]


def model_list(items: list, colours: dict[str, str], total: int, score_label: str | None = None,
               in_view: list[int] | None = None, part_type: str | None = None) -> html.Div:
    """Persona or trajectory list: colour swatch, name, size and the one-line description.

    `in_view` (students per item in view, as the donut counts them) makes the sizes follow the filters; the
    descriptions and mean scores stay the whole cohort's, and a line says so. `part_type` ids the sizes and
    that line (ids.PERSONA_LIST_PART or TRAJECTORY_LIST_PART), so a click rewrites only them."""
    filtered = in_view is not None and sum(in_view) != total
    sizes = in_view if filtered else [item.size for item in items]
    shown = sum(sizes) if filtered else total
    rows = []
    for index, (item, size) in enumerate(zip(items, sizes)):
        score = getattr(item, "mean_exam_score", None)
        meta = [html.Span((f"{size:,} in view · {size / shown:.0%}" if filtered else
                           f"{size:,} students · {size / shown:.0%}") if shown else "", className="me-2",
                          **_part(part_type, part_type and f"size-{index}"))]
        if score is not None and score_label:
            meta.append(html.Span(f"{score_label} {score:.1f}", className="badge rounded-pill text-bg-light"))
        rows.append(html.Li([
            html.Span(className="swatch", style={"background": colours[item.name]}),
            html.Div([html.Div([html.Span(item.name, className="model-name"), html.Span(meta, className="model-meta")],
                               className="model-head"),
                      html.Div(item.description, className="model-desc")], className="model-text"),
        ], className="model-item"))
    scope = (f"Counts follow the filters ({shown:,} of {total:,} students); descriptions"
             + (f" and {score_label} scores" if score_label else "") + " describe the whole cohort."
             if filtered else None)
    # the line is always there (empty and hidden by CSS when unfiltered), so a click does not change the structure
    return html.Div([html.Div(scope, className="panel-caption model-scope", **_part(part_type, part_type and "scope")),
                     html.Ul(rows, className="model-list")])


def _warning_list(warnings: list[str]):
    if not warnings:
        return []
    items = [html.Li(w) for w in warnings]
    if len(warnings) <= WARNINGS_SHOWN:
        return [html.Ul(items, className="mb-0 mt-2 small")]
    return [html.Details([html.Summary(f"{len(warnings)} repairs and notes about the file"),
                          html.Ul(items, className="mb-0 mt-1")], className="mt-2 small")]


def upload_success(filename: str, students: int, personas: int, trajectories: int, warnings: list[str],
                   sheet: str | None = None, sheet_note: str | None = None):
    """`sheet_note` (which sheet of a workbook was read, and the others) shows in full, above the warnings."""
    parts = [f"{students:,} students"]
    parts.append(f"{personas} personas" if personas else "no personas")
    parts.append(f"{trajectories} trajectories" if trajectories else "no trajectories")
    return dbc.Alert([html.Div([html.I(className="bi bi-check-circle-fill me-2"),
                                html.Span(f"Loaded {filename}" + (f", sheet '{sheet}'" if sheet else "") + ": "
                                          + ", ".join(parts), className="fw-semibold")]),
                      *([html.Div(sheet_note, className="small mt-1 upload-sheet-note")] if sheet_note else []),
                      *_warning_list(warnings)],
                     color="success", className="upload-alert mb-0", dismissable=True)


def upload_error(message: str):
    return dbc.Alert([html.I(className="bi bi-exclamation-octagon-fill me-2"),
                      html.Span(message, className="fw-semibold"),
                      html.Div("The dashboard still shows the previous data.", className="small mt-1")],
                     color="danger", className="upload-alert mb-0", dismissable=True)


def skipped_alerts(skipped: dict[str, str]) -> list:
    titles = {"personas": "Personas are not shown", "trajectories": "Trajectories are not shown"}
    return [dbc.Alert([html.I(className="bi bi-info-circle-fill me-2"),
                       html.Strong(titles.get(model, f"{model.capitalize()} are not shown") + ": "),
                       reason[0].upper() + reason[1:] if reason else ""],
                      color="warning", className="mb-3", id=ids.skipped_alert(model))
            for model, reason in skipped.items()]


def note(text: str):
    return html.Div([html.I(className="bi bi-info-circle me-2"), text], className="chart-note")


def suppressed_note(long, threshold: int):
    """Says how many chart cells are hidden because fewer than `threshold` students are in them."""
    if long is None or "suppressed" not in long or not threshold:
        return None
    hidden = int(long["suppressed"].sum())
    if not hidden:
        return None
    cells = "cell" if hidden == 1 else "cells"
    return note(f"{hidden} {cells} with fewer than {threshold} students {'is' if hidden == 1 else 'are'} not drawn "
                "(small groups are not reported); the student table still lists them.")


def section_title(title: str, icon: str, tools=None) -> html.Div:
    return html.Div([html.H2([html.I(className=f"bi bi-{icon} me-2"), title], className="section-title"),
                     html.Div(tools) if tools is not None else None], className="section-head")
