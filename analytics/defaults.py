"""Defaults shared by the dashboard, the CLI and the store, defined once."""
from __future__ import annotations

import os

PERSONAS = 5  # K-Means groups when nobody chose a number
MIN_PERSONAS, MAX_PERSONAS = 2, 8
MIN_GROUP = 10  # counts below this are shown as "fewer than N" (school reporting practice)
MIN_GROUP_ENV = "COHORT_ATLAS_MIN_GROUP"


def min_group() -> int:
    """MIN_GROUP, or the operator's COHORT_ATLAS_MIN_GROUP (0 turns suppression off; junk keeps the default)."""
    try:
        return max(0, int(os.environ.get(MIN_GROUP_ENV, MIN_GROUP)))
    except ValueError:
        return MIN_GROUP
