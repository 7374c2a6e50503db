"""Thin callbacks: read inputs, ask the store and analytics.explore.views, hand results to components."""
from __future__ import annotations

from . import (
    benchmarks,
    breakdowns,
    class_list,
    class_pages,
    classes,
    counsellor,
    datasets,
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
    stability,
    table,
    tabs,
    terms,
    trajectories,
    upload,
)

FEATURES = (upload, mapping, filters, overview, personas, trajectories, breakdowns, progress, groups, outliers, table, profile,
            map, risk, scenario, interventions, insights, jobs_panel, class_list, classes, terms, benchmarks,
            datasets, counsellor, class_pages, report, stability, tabs)


def register_all(app, store) -> None:
    for feature in FEATURES:
        feature.register(app, store)
