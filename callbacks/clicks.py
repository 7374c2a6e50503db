"""What a click on a chart means for the filters: the value clicked, and for a bar its group too."""
from __future__ import annotations

from analytics.explore import filters as flt
from components import ids
from components.heatmap import clicked_cell

# chart id -> (filter key for the clicked value, filter key for the bar's group or None)
CLICKS = {
    ids.PERSONA_DONUT: ("persona", None),
    ids.TRAJECTORY_DONUT: ("trajectory", None),
    ids.PERSONA_RADAR: ("persona", None),
    ids.SCORE_DISTRIBUTION: ("persona", None),
    ids.TRAJECTORY_MIX: ("persona", "trajectory"),
    ids.GENDER_BREAKDOWN: (None, "gender"),
    ids.SCHOOL_BREAKDOWN: (None, "school"),
    ids.PROGRESS_CHART: (None, None),  # the filter key rides in each bar's customdata: it follows the grouping
    ids.GROUP_BREAKDOWN: (None, None),  # the group's filter key rides in each bar's customdata
    ids.GROUP_HEATMAP: (None, None),  # the row's category is [filter key, group] (components.heatmap)
    ids.TERMS_SANKEY: ("move", None),  # a link's customdata is "step:from>to" (components.terms)
    ids.OVER_TIME_CHART: (None, None),  # as the progress chart: [filter key or None, group] per point
}


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
    if chart == ids.TERMS_SANKEY:  # a link is a move; a node (no move in its customdata) filters nothing
        if flt.parse_move(data)[0] is None:
            return filters
        out = dict(filters)
        if out.pop("move", None) != data:  # one move at a time; the same link again clears it
            out["move"] = data
        return out
    if chart in (ids.PROGRESS_CHART, ids.OVER_TIME_CHART):  # customdata = [filter key or None, group]
        return flt.toggle(filters, data[0], str(data[1])) if data and data[0] in flt.LIST_KEYS else filters
    if chart == ids.GROUP_HEATMAP:
        cell = clicked_cell(point)
        return _group_click(filters, cell[0], cell[1]) if cell else filters
    if chart == ids.GROUP_BREAKDOWN and isinstance(data, list) and len(data) >= 6 and data[5] in flt.GROUP_KEYS:
        segment_key = "persona" if data[1] in {p.name for p in analysis.personas} else "trajectory"
        return _pair(filters, data[5], data[0], segment_key, data[1])
    if chart == ids.TRAJECTORY_MIX:
        return _pair(filters, group_key, data[0], key, data[1])
    value = data[0] if isinstance(data, list) else data
    if value is None:
        value = point.get("label")
    return flt.toggle(filters, key, str(value)) if value is not None else filters


def heatmap_subject(click: dict | None, analysis, subject: str | None) -> str | None:
    """The subject of a clicked heat-map cell, or `subject` as it was for the outcome's column or no cell."""
    cell = clicked_cell(click["points"][0]) if click and click.get("points") else None
    return cell[2] if cell and cell[2] in analysis.subject_columns else subject


def _group_click(filters: dict, key, value) -> dict:
    """A heat-map cell: that group alone, or cleared when it was already the group filtered on. (A subject
    selection, once the page has one, would follow here too.)"""
    return flt.toggle(filters, key, str(value)) if key in flt.GROUP_KEYS and value is not None else filters


def _pair(filters: dict, key_a: str, a: str, key_b: str, b: str) -> dict:
    out = dict(filters)
    if out.get(key_a) == [a] and out.get(key_b) == [b]:
        out.pop(key_a)
        out.pop(key_b)
    else:
        out[key_a], out[key_b] = [a], [b]
    return out
