"""The factors behind one prediction: how far it moves when each input alone is set to the cohort's typical
value, shown in the file's own words."""
from __future__ import annotations

import numpy as np

from analytics.ingest.schema import ROLE_BY_NAME
from analytics.predict.risk import RiskModel


def explain(risk: RiskModel, X_row: np.ndarray, top: int = 5) -> list[dict]:
    """The factors that push one prediction up or down most: for each input, how far the prediction moves
    when that input alone is set to the cohort's typical value (median, or most common category)."""
    return explain_many(risk, X_row[None, :], top)[0]


def explain_many(risk: RiskModel, X_rows: np.ndarray, top: int = 5) -> list[list[dict]]:
    """`explain` for many students in one prediction call (one call per student costs ~4 ms of overhead)."""
    spec = risk.spec
    k = len(spec.columns)
    stacked = np.repeat(X_rows, k + 1, axis=0)
    reference = np.array([spec.reference[c] for c in spec.columns])
    for j in range(k):
        stacked[j + 1::k + 1, j] = reference[j]
    out = risk.model.predict(stacked).reshape(len(X_rows), k + 1)
    effects = out[:, :1] - out[:, 1:]
    result = []
    for i, row_effects in enumerate(effects):
        order = np.argsort(-np.abs(row_effects))[:top]
        result.append([{"factor": spec.columns[j], "value": display_value(risk, j, X_rows[i, j]),
                        "typical": display_value(risk, j, reference[j]), "effect": float(row_effects[j])}
                       for j in order if abs(row_effects[j]) >= 0.05])
    return result


def display_value(risk: RiskModel, j: int, value: float) -> str:
    column = risk.spec.columns[j]
    if np.isnan(value):
        return "blank"
    if risk.spec.kinds[column] == "category":
        return risk.spec.levels[column][int(value)]
    role = risk.spec.roles.get(column)
    if role and ROLE_BY_NAME[role].levels and ROLE_BY_NAME[role].kind == "ordinal":
        names = [t.title() for t, v in ROLE_BY_NAME[role].levels.items() if v == value and not t.isdigit()]
        if names:
            return names[0]
    return f"{value:g}"


def explanation_words(item: dict, label) -> str:
    way = "raises" if item["effect"] > 0 else "lowers"
    return (f"{label(item['factor'])} {item['value']} (typical {item['typical']}) {way} the predicted score by "
            f"{abs(item['effect']):.1f} points")
