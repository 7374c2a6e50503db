"""One uploaded table in, one Analysis out: mapping, cleaning, themes, personas, trajectories, outliers.

The dashboard shows the core (everything but outliers) first and finds the outliers in a background job:
`analyse(..., outliers=False)`, then `outliers_for` and `with_outliers`, which `analyse` itself uses too, so
both paths give the same result."""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from analytics.defaults import MAX_PERSONAS, MIN_PERSONAS, PERSONAS
from analytics.errors import DataError
from analytics.ingest.clean import clean
from analytics.ingest.read import DEFAULT_MAX_BYTES, Table, read_path
from analytics.ingest.mapping import apply_choices, detect
from analytics.ingest.students import duplicate_ids
from analytics.ingest.schema import ROLE_BY_NAME
from analytics.ingest.subjects import COMBINED, combined_score, outcome_column, subject_marks
from analytics.models.model_file import check_fits, split_choices
from analytics.models.outliers import find_outliers
from analytics.models.persona_model import PersonaModel, assign, fit_model, placed_personas, standardise
from analytics.models.personas import fit_personas
from analytics.models.themes import MIN_THEMES, THEME_LABELS, build_themes, columns_for, zscore
from analytics.models.trajectories import fit_trajectories
from analytics.predict.progress import measure_progress
from analytics.results import (
    OUTLIER,
    PERSONA,
    PERSONA_ID,
    ROW,
    THEME_PREFIX,
    THEMES,
    TRAJECTORY,
    TRAJECTORY_ID,
    Analysis,
    Outliers,
    outcome_label,
)


def analyse(table: Table, personas: int = PERSONAS, dataset_id: str = "", outliers: bool = True,
            choices: dict | None = None, persona_model: PersonaModel | None = None) -> Analysis:
    """The analysis of a table; with outliers=False, the core only (no DBSCAN: `analysis.outliers` is None).
    `choices` are a person's column choices (see `apply_choices`), laid over the detected mapping.
    `persona_model` (another term's `analysis.persona_model`) places students on that term's personas and
    scaling instead of fitting new ones."""
    if not MIN_PERSONAS <= personas <= MAX_PERSONAS:
        raise DataError(f"the number of personas must be between {MIN_PERSONAS} and {MAX_PERSONAS}, "
                        f"not {personas}")
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = round(now - clock, 4)
        clock = now

    frame = table.frame
    choices, carried = split_choices(choices, [str(c) for c in frame.columns])  # a model carried forward
    persona_model = persona_model or carried
    column_map = apply_choices(detect(frame), choices, [str(c) for c in frame.columns],
                               source=f"the mapping for {table.filename}")
    mapping = dict(column_map.roles)
    if not any(ROLE_BY_NAME[r].kind != "id" for r in mapping) and not column_map.subjects:
        raise DataError("none of the columns is a known student attribute (such as Attendance, KS2 Scaled Score, "
                        "Maths Mock, FSM, Hours_Studied, Exam_Score, Gender); check the header row or map the "
                        "columns by hand", file=table.filename)
    cleaned = clean(frame, mapping, table.spellings, column_map.scales, table.header_row)
    mapping = {r: c for r, c in mapping.items() if r in cleaned.values or ROLE_BY_NAME[r].kind in ("group", "id")}
    marks = subject_marks(frame, column_map.subjects, table.header_row)
    warnings = (table.warnings + duplicate_ids(frame, mapping.get("student_id"), table.header_row) + cleaned.warnings + marks.warnings
                + list(marks.unfit.values()))
    unmapped = {**cleaned.unfit, **marks.unfit}
    for column, points in marks.added.items():
        cleaned.frame[column] = points
    outcome_blank = cleaned.filled.get(mapping.get("exam_score"))
    if "exam_score" not in mapping:
        outcome = outcome_column(column_map, marks)
        if outcome == COMBINED:
            cleaned.frame[COMBINED] = combined_score(cleaned.frame, marks)
        if outcome is not None:
            outcome_blank = cleaned.frame[outcome].isna().to_numpy()
            values = _outcome_values(cleaned.frame[outcome], outcome, warnings)
            if outcome != COMBINED and cleaned.frame[outcome].isna().any():
                outcome = f"{outcome} (outcome)"  # the subject's own column keeps its blanks
            cleaned.frame[outcome] = values.to_numpy()
            mapping["exam_score"] = outcome
            cleaned.values["exam_score"] = values
    lap("clean")

    students = cleaned.frame
    students.insert(0, ROW, range(len(students)))
    themes = build_themes(cleaned.values)
    z_themes = zscore(themes)
    exam = cleaned.values.get("exam_score")
    if persona_model is not None:
        check_fits(persona_model, set(cleaned.values.columns), table.filename)
        z_themes = standardise(persona_model, cleaned.values, cleaned.filled, mapping, table.filename)
        themes = z_themes
    lap("themes")

    skipped: dict[str, str] = {}
    silhouette: dict[str, float] = {}
    persona_list, trajectory_list = [], []
    missing_themes = [t for t in THEMES if t not in themes]
    model = persona_model
    if persona_model is not None:
        labels = assign(persona_model, z_themes)
        persona_list = placed_personas(persona_model, labels, exam,
                                       outcome_label(column_map, mapping.get("exam_score")))
        students[PERSONA] = pd.Categorical.from_codes(labels, categories=list(persona_model.names))
        students[PERSONA_ID] = labels
    elif len(themes.columns) < MIN_THEMES:
        skipped["personas"] = (f"needs at least two of the {len(THEMES)} themes; add columns such as Attendance, "
                               "Previous_Scores (or KS2 Scaled Score), Homework, Behaviour Points, Hours_Studied")
    else:
        if missing_themes and len(themes.columns) < 8:  # the Kaggle eight need no note about the rest
            warnings.append(f"Personas use {len(themes.columns)} of {len(THEMES)} themes ("
                            + ", ".join(THEME_LABELS[t] for t in themes.columns) + "); the others need columns "
                            "this file lacks: " + "; ".join(f"{THEME_LABELS[t]} ({columns_for(t)})"
                                                            for t in missing_themes) + ".")
        clusters, persona_list = fit_personas(z_themes, personas, exam, outcome_label(column_map, mapping.get("exam_score")))
        if clusters.k < 2:
            skipped["personas"] = ("needs at least two students; this file has one" if len(students) < 2 else
                                   f"all {len(students):,} students have the same profile; personas need "
                                   "at least two different students")
            persona_list = []
        else:
            if clusters.k < personas:
                warnings.append(f"Only {clusters.k} distinct student profiles; fitted {clusters.k} personas "
                                f"instead of {personas}.")
            if clusters.silhouette is not None:
                silhouette["personas"] = round(clusters.silhouette, 4)
            names = [p.name for p in persona_list]
            students[PERSONA] = pd.Categorical.from_codes(clusters.labels, categories=names)
            students[PERSONA_ID] = clusters.labels
            model = fit_model(cleaned.values, list(z_themes.columns), clusters.centroids, persona_list,
                              cleaned.filled, mapping, table.filename)
    lap("personas")

    previous = cleaned.values.get("previous_score")
    if previous is None or exam is None:
        need = [ROLE_BY_NAME[r].label + f" (e.g. {ROLE_BY_NAME[r].aliases[0].title()})"
                for r in ("previous_score", "exam_score") if r not in cleaned.values]
        skipped["trajectories"] = "needs " + " and ".join(need) + " column" + ("s" if len(need) > 1 else "")
    else:
        prior = "KS2 scaled score" if "previous_score" in column_map.scales else "previous score"
        clusters, trajectory_list = fit_trajectories(previous, exam, (prior, outcome_label(column_map, mapping["exam_score"])))
        if clusters.k < 3:
            skipped["trajectories"] = ("needs at least three students with different previous/exam scores")
            trajectory_list = []
        else:
            if clusters.silhouette is not None:
                silhouette["trajectories"] = round(clusters.silhouette, 4)
            students[TRAJECTORY] = pd.Categorical.from_codes(
                clusters.labels, categories=[t.name for t in trajectory_list])
            students[TRAJECTORY_ID] = clusters.labels
    lap("trajectories")

    for theme in z_themes.columns:
        students[THEME_PREFIX + theme] = z_themes[theme].round(4)
    core = Analysis(dataset_id, table.filename, len(students), mapping, cleaned.imputed, list(themes.columns),
                    persona_list, trajectory_list, silhouette, skipped, warnings, timings, students,
                    unmapped=unmapped, column_map=column_map, subject_columns=dict(marks.points), filled=cleaned.filled,
                    persona_model=model, header_row=table.header_row, sheet=table.sheet,
                    sheets=list(table.sheets))
    core.progress = measure_progress(students, core.subject_columns, core.previous_column,
                                     cleaned.filled.get(mapping.get("previous_score")), core.exam_column, outcome_blank,
                                     {s.name: s.target for s in marks.kept}, _outcome_name(core.exam_column))
    lap("progress")
    if not outliers:
        return core
    start = time.perf_counter()
    found = outliers_for(core)
    return with_outliers(core, found, round(time.perf_counter() - start, 4))


def _outcome_name(column: str | None) -> str | None:
    return column.replace("_", " ").strip() if column else None


def _outcome_values(values: pd.Series, column: str, warnings: list[str]):
    """The outcome the models and charts read, with no blanks: a student with no mark counts at the median,
    and the warning says how many. A subject's own column keeps its blanks."""
    numbers = values.to_numpy(dtype=float)
    blank = np.isnan(numbers)
    if blank.all():
        return pd.Series(np.zeros(len(numbers)), index=values.index)
    if blank.any():
        fill = float(np.median(numbers[~blank]))
        warnings.append(f"{column}: {int(blank.sum()):,} student(s) have no mark to count; the outcome counts "
                        f"them at the median ({fill:g}).")
        numbers = np.where(blank, fill, numbers)
    return pd.Series(numbers, index=values.index)


def outliers_for(analysis: Analysis) -> Outliers | str | None:
    """DBSCAN on an analysis's standardised themes: the outliers, the reason there are none, or None when the
    file has no personas (too few themes), in which case nothing is said about outliers either. Depends on
    the themes only, not on the persona count."""
    if "personas" in analysis.skipped:
        return None
    # on the rounded values the map, neighbours and profile card read, so all agree on who is unusual
    columns = [THEME_PREFIX + t for t in analysis.themes]
    return find_outliers(analysis.students[columns].to_numpy(), list(analysis.themes))


def with_outliers(analysis: Analysis, found: Outliers | str | None, seconds: float | None = None) -> Analysis:
    """A copy of a core analysis with `outliers_for`'s result merged in: the Outlier column, `outliers`, or
    the reason in `skipped`. The copy shares the students' other columns."""
    skipped = dict(analysis.skipped)
    students = analysis.students
    if isinstance(found, str):
        skipped["outliers"] = found
    elif found is not None:
        students = students.copy(deep=False)
        students[OUTLIER] = found.flags
    timings = {**analysis.timings, **({"outliers": seconds} if seconds is not None else {})}
    return dataclasses.replace(analysis, skipped=skipped, timings=timings, students=students,
                               outliers=found if isinstance(found, Outliers) else None)


def analyse_file(path: str, personas: int = PERSONAS, max_bytes: int = DEFAULT_MAX_BYTES,
                 choices: dict | None = None, sheet: str | int | None = None) -> Analysis:
    start = time.perf_counter()
    table = read_path(path, max_bytes, sheet)
    read_seconds = round(time.perf_counter() - start, 4)
    result = analyse(table, personas, choices=choices)
    result.timings = {"read": read_seconds, **result.timings}
    return result
