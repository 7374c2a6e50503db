"""The demo school over several terms: the same pupils exported again each term, with some arrivals and leavers.

Term 1 is `generate_school`. Each pupil then has a trend of their own (in SD of the mocks per term, most near
zero, a few clearly improving or declining) that moves their mocks, with term-to-term noise on top; attendance,
homework and behaviour drift the same way a little. Each later term a few pupils leave (their UPN is missing)
and a few join (new UPNs, placed in an existing form of their year). Names, UPNs, KS2, FSM, SEN and EAL stay
as they were. Columns are those of `generate_school`, in the same order.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.ingest.school import ART_LABELS, COLUMNS, generate_school

MOCKS = ("Maths Mock", "English Mock", "Science Mock")
LEAVE_RATE, JOIN_RATE = 0.02, 0.015  # a term's in-year movers in an English secondary: about 1-3 %
TREND_SD = 0.15  # per-term drift of a pupil's attainment, in SD of the mocks (17 marks)
MARK_SD = 17.0
MAX_TERMS = 12


def _latent(frame: pd.DataFrame) -> pd.DataFrame:
    """Each pupil's marks as unrounded numbers with no blanks: a missed mock counts as the pupil's other
    mocks' mean (or the school's mean), so the next term's mark follows on from where the pupil was."""
    marks = frame[list(MOCKS)].astype("Float64").astype(float)
    own = marks.mean(axis=1).fillna(marks.stack().mean())
    out = marks.apply(lambda col: col.fillna(own))
    index = {label: i for i, label in enumerate(ART_LABELS)}
    grade = frame["Art Grade"].map(index).astype(float)
    guess = own.sub(56).div(MARK_SD).mul(2).add(4).round().clip(0, 9)  # a pupil with no art grade
    out["Art"] = grade.fillna(guess) + 0.5  # the middle of the grade, so noise moves it either way
    out["Behaviour"] = np.maximum(frame["Behaviour Points"].to_numpy(dtype=float), 0.3)  # the pupil's rate
    return out


def _blank(values: np.ndarray, rate, rng: np.random.Generator) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), rng.random(len(values)) < rate)


def _next_term(frame: pd.DataFrame, latent: pd.DataFrame, trend: pd.Series, rng: np.random.Generator):
    """The next term's export of the same pupils (before leavers and joiners), and their new latent marks."""
    n = len(frame)
    step = trend.to_numpy()
    latent = latent.copy()
    for column in MOCKS:
        latent[column] = latent[column].to_numpy() + MARK_SD * (step + rng.normal(0, 0.12, n))
    # ART_LABELS is U, 1 ... 9, so the index is the grade and art moves a grade for about 2 SD of drift
    latent["Art"] = np.clip(latent["Art"].to_numpy() + 2 * step + rng.normal(0, 0.35, n), 0, 9.99)
    out = frame.copy()
    attendance = frame["Attendance %"].to_numpy(dtype=float)
    attendance = np.clip(attendance + 6 * step + rng.normal(0, 1.2, n), 60, 100)
    out["Attendance %"] = np.round(attendance, 1)
    homework = frame["Homework Completion %"].to_numpy(dtype=float)
    out["Homework Completion %"] = np.clip(np.round(homework + 25 * step + rng.normal(0, 4, n)), 0, 100).astype(int)
    latent["Behaviour"] = latent["Behaviour"].to_numpy() * np.exp(-2.5 * step + rng.normal(0, 0.25, n))
    out["Behaviour Points"] = rng.poisson(latent["Behaviour"].to_numpy()).astype(int)
    absent = 0.003 + (100 - attendance) / 1000  # the absent miss mocks, as in term 1
    for column in MOCKS:
        out[column] = _blank(np.clip(np.round(latent[column].to_numpy()), 0, 100), absent, rng)
    grade = ART_LABELS[np.floor(latent["Art"].to_numpy()).astype(int)]
    out["Art Grade"] = pd.Series(grade, dtype=object).where(rng.random(n) >= 0.02, None).to_numpy()
    return out, latent


def _joiners(frame: pd.DataFrame, count: int, seen: set, seed: int, rng: np.random.Generator) -> pd.DataFrame:
    """New pupils with UPNs the school has never had, each in an existing form (with its tutor), of their
    year where the school has one."""
    if count == 0:
        return frame.iloc[:0]
    fresh = generate_school(max(count * 3, 40), seed)
    fresh = fresh[~fresh["UPN"].isin(seen)].sample(n=count, random_state=seed).reset_index(drop=True)
    forms = frame.drop_duplicates("Form")[["Year Group", "Form", "Teacher"]].reset_index(drop=True)
    pick = rng.integers(len(forms), size=count)
    for year in fresh["Year Group"].unique():
        rows = np.flatnonzero(fresh["Year Group"].to_numpy() == year)
        own = np.flatnonzero(forms["Year Group"].to_numpy() == year)
        if len(own):
            pick[rows] = own[rng.integers(len(own), size=len(rows))]
    fresh[["Year Group", "Form", "Teacher"]] = forms.iloc[pick].to_numpy()
    fresh["Year Group"] = fresh["Year Group"].astype(int)
    return fresh


def _export_order(frame: pd.DataFrame) -> pd.DataFrame:
    """As an MIS lists pupils: by year group, form, surname, forename."""
    names = frame["Student Name"].str.split(" ", n=1, expand=True)
    order = np.lexsort((names[0].to_numpy(), names[1].to_numpy(), frame["Form"].to_numpy(),
                        frame["Year Group"].to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


def generate_terms(rows: int = 1000, terms: int = 3, seed: int = 11) -> list[pd.DataFrame]:
    """`terms` exports of one school, term 1 first (`generate_school(rows, seed)`)."""
    if not 1 <= terms <= MAX_TERMS:
        raise ValueError(f"terms must be between 1 and {MAX_TERMS}")
    first = generate_school(rows, seed)
    out = [first]
    rng = np.random.default_rng([seed, 1])
    latent = _latent(first)
    trend = pd.Series(rng.normal(0, TREND_SD, len(first)), index=first["UPN"].to_numpy())
    frame = first.set_index("UPN", drop=False)
    latent.index = frame.index
    seen = set(first["UPN"])
    for term in range(2, terms + 1):
        frame, latent = _next_term(frame, latent, trend.loc[frame.index], rng)
        leave = rng.random(len(frame)) < LEAVE_RATE
        frame, latent = frame[~leave], latent[~leave]
        joined = _joiners(frame, int(rng.binomial(len(first), JOIN_RATE)), seen, seed * 100 + term, rng)
        if len(joined):
            seen.update(joined["UPN"])
            joined = joined.set_index("UPN", drop=False)
            frame = pd.concat([frame, joined])
            latent = pd.concat([latent, _latent(joined).set_axis(joined.index)])
            trend = pd.concat([trend, pd.Series(rng.normal(0, TREND_SD, len(joined)), index=joined.index)])
        out.append(_export_order(frame.reset_index(drop=True))[COLUMNS])
        frame = out[-1].set_index("UPN", drop=False)
        latent = latent.loc[frame.index]
    return out
