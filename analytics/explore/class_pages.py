"""One page per class for a year group or the whole view: each class's list of who needs help in each subject,
and why (analytics.explore.class_list's rule: the cohort's bar, never the class's)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analytics.explore.class_list import SubjectNeeds, class_needs
from analytics.explore.classes import class_role
from analytics.results import Analysis


@dataclass
class ClassPage:
    name: str  # the form ("10B") or teacher
    label: str  # "Form" or "Teacher"
    teacher: str | None  # the form's teacher(s), when the file has both
    students: int
    subjects: list[SubjectNeeds] = field(default_factory=list)


def class_pages(analysis: Analysis, keep: np.ndarray | None = None) -> list[ClassPage]:
    """The classes with students in `keep`, in name order; empty when the file has no form or teacher column."""
    role = class_role(analysis)
    if role is None:
        return []
    keep = np.ones(analysis.rows, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    labels = analysis.students[analysis.mapping[role]].astype(str).to_numpy()
    teachers = (analysis.students[analysis.mapping["teacher"]].astype(str).to_numpy()
                if role == "form" and "teacher" in analysis.mapping else None)
    pages = []
    for name in sorted(set(labels[keep])):
        here = keep & (labels == name)
        teacher = ", ".join(sorted(set(teachers[here]))) if teachers is not None else None
        pages.append(ClassPage(name, "Form" if role == "form" else "Teacher", teacher, int(here.sum()),
                               class_needs(analysis, here)))
    return pages
