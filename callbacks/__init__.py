"""Thin callbacks: read inputs, ask the store and analytics.explore.views, hand results to components."""
from __future__ import annotations

from . import (
    breakdowns,
    class_list,
    class_pages,
    classes,
    counsellor,
    filters,
    groups,
    insights,
    interventions,
    jobs_panel,
    map,
    mapping,
    outliers,
    overview,
    personas,
    profile,
    progress,
    report,
    risk,
    scenario,
    table,
    trajectories,
    upload,
)

FEATURES = (upload, mapping, filters, overview, personas, trajectories, breakdowns, progress, groups, outliers, table, profile,
            map, risk, scenario, interventions, insights, jobs_panel, class_list, classes,
            counsellor, class_pages, report)


def register_all(app, store) -> None:
    for feature in FEATURES:
        feature.register(app, store)
