"""Thin callbacks: read inputs, ask the store and analytics.views, hand results to components."""
from __future__ import annotations

from . import breakdowns, overview, personas, table, trajectories, upload

FEATURES = (upload, overview, personas, trajectories, breakdowns, table)


def register_all(app, store) -> None:
    for feature in FEATURES:
        feature.register(app, store)
