"""A stored risk model in brief: what the Scored-by menu shows and what `coverage` reads.

The store keeps one beside every model it saves, so listing the models that could score a file reads a few
hundred bytes each instead of unpickling every fitted model (34 stored models took 4.25 s that way).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .risk import RiskModel


@dataclass(frozen=True)
class ModelSummary:
    dataset_id: str  # the upload the model learnt from
    filename: str
    columns: tuple[str, ...]  # the model's input columns, as named in that upload
    roles: dict[str, str] = field(default_factory=dict)  # input column -> role, which `coverage` matches first
    exam_column: str = ""
    rows: int = 0  # students in the upload it learnt from


def summarise(model: RiskModel) -> ModelSummary:
    return ModelSummary(model.dataset_id, model.filename, tuple(model.spec.columns), dict(model.spec.roles),
                        model.exam_column, int(model.sampled["of"]))
