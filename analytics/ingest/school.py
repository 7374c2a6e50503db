"""A seeded demo school: an English secondary school's MIS export (SIMS, Arbor, Bromcom style), one row a pupil.

Pupils are drawn from three latent traits, prior attainment, engagement and home support, after their
characteristics (gender, FSM, SEN, EAL), so that the columns relate the way they do in real schools: mocks follow
KS2 closely, then attendance, homework and behaviour (more points, lower marks); the disadvantage gap is about
0.4 SD on the mocks, SEN support about 0.6 SD and an EHCP about 1 SD, EAL a little below overall (more in English,
none in maths), girls a little ahead in English. Each form has a small effect of its own and two forms are clearly
weaker, so a tutor's view of their form has something to show. Attendance counts sessions missed out of those
possible, so it is skewed as real attendance is, with about a fifth of pupils persistently absent (90 % or less).

UPNs carry the DfE check letter (see `upn_check_letter`); LA codes are from the DfE's list of valid codes,
establishment numbers are made up, so a UPN here is well formed but belongs to nobody.
"""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from analytics.ingest.names import FEMALE, MALE, SURNAMES, TITLES

COLUMNS = [
    "UPN", "Student Name", "Year Group", "Form", "Teacher", "Gender", "FSM", "SEN", "EAL", "Attendance %",
    "KS2 Scaled Score", "Homework Completion %", "Behaviour Points", "Maths Mock", "English Mock", "Science Mock",
    "Art Grade",
]
MAX_ROWS = 5_000_000  # beyond this the made-up feeder primaries run out of UPN serial numbers
YEARS = np.arange(7, 12)
YEAR_SHARE = np.array([0.21, 0.205, 0.2, 0.195, 0.19])  # intakes grow a little year on year
FORM_SIZE, MAX_FORMS = 28, 12
FORM_LETTERS = "ABCDEFGHJKLM"  # many schools skip I, which reads as a 1 beside the year
EXPORT_YEAR = 2024  # the autumn the export's academic year began; year 7 started reception seven years before
POSSIBLE_SESSIONS = 296  # two a day from September to the spring half-term
UPN_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))  # the check letter for remainders 0-22 (no I, O, S)
HOME_LA, OTHER_LAS = 886, (887, 845, 938, 306, 210, 852, 919, 825, 873)  # valid DfE LA codes
# GCSE Art and Design: share of Year 11 at each grade U, 1..9; younger years work at lower grades.
ART_SHARES = (0.02, 0.04, 0.07, 0.12, 0.18, 0.17, 0.15, 0.12, 0.08, 0.05)
ART_CUTS = np.array([NormalDist().inv_cdf(p) for p in np.cumsum(ART_SHARES)[:-1]])
ART_LABELS = np.array(["U"] + [str(g) for g in range(1, 10)], dtype=object)


def upn_check_letter(digits12: np.ndarray) -> np.ndarray:
    """The DfE check letter for 12-digit UPN bodies (int64): each digit times its position in the UPN (2 to 13),
    the sum modulo 23, 0 -> A ... 22 -> Z skipping I, O and S (DfE UPN guide; school census error 1510)."""
    body = np.asarray(digits12, dtype=np.int64)
    total = np.zeros(body.shape, dtype=np.int64)
    for position in range(2, 14):
        total += (body // 10 ** (13 - position)) % 10 * position
    return UPN_LETTERS[total % 23]


def _upns(year: np.ndarray, late_joiner: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unique UPNs as their primary schools issued them: LA code, establishment number, the year the pupil first
    joined a school in England (reception, or later for those who arrived later), a serial number."""
    n = len(year)
    feeders = int(np.clip(math.ceil(n / 500), 25, len(OTHER_LAS) * 2000))
    las = np.array((HOME_LA,) + OTHER_LAS)
    weight = np.repeat(np.where(las == HOME_LA, 8.0, 1.0), 2000)
    pick = rng.choice(len(las) * 2000, size=feeders, replace=False, p=weight / weight.sum())
    feeder_key = las[pick // 2000] * 10_000 + 2000 + pick % 2000  # primaries are numbered 2000-3999
    popularity = rng.gamma(4.0, size=feeders)
    school = feeder_key[rng.choice(feeders, size=n, p=popularity / popularity.sum())]
    joined = EXPORT_YEAR - year + np.where(late_joiner, rng.integers(1, year + 1), 0)
    body = school.astype(np.int64) * 100_000 + (joined % 100) * 1000 + rng.integers(0, 1000, n)
    while True:  # a primary issues each serial once a year: draw again for any repeat
        repeat = pd.Series(body).duplicated().to_numpy()
        if not repeat.any():
            break
        body[repeat] = body[repeat] // 1000 * 1000 + rng.integers(0, 1000, int(repeat.sum()))
    return upn_check_letter(body).astype(object) + body.astype(str).astype(object)


def _sizes(n: int) -> np.ndarray:
    """Pupils in each year group: admissions fill each intake to about its planned size, so the shares are kept
    (largest remainders round)."""
    exact = n * YEAR_SHARE
    sizes = np.floor(exact).astype(int)
    sizes[np.argsort(sizes - exact)[: n - sizes.sum()]] += 1
    return sizes


def _forms(year: np.ndarray, rng: np.random.Generator):
    """Each pupil's form (index into the school's list of forms), the list of form names and one tutor each."""
    counts = np.bincount(year - 7, minlength=5)
    per_year = np.where(counts > 0, np.clip(np.round(counts / FORM_SIZE), 1, MAX_FORMS), 0).astype(int)
    names = [f"{y}{FORM_LETTERS[i]}" for y, k in zip(YEARS, per_year) for i in range(k)]
    first = np.concatenate([[0], np.cumsum(per_year)[:-1]])
    order = np.lexsort((rng.random(len(year)), year))  # shuffled within each year, years in order
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    place = np.empty(len(year), dtype=np.int64)
    place[order] = np.arange(len(year)) - start[year[order] - 7]
    form = first[year - 7] + place % per_year[year - 7]
    surnames = rng.choice(np.array(SURNAMES, dtype=object), size=len(names), replace=False)
    titles = rng.choice(np.array(TITLES, dtype=object), size=len(names), p=[0.33, 0.2, 0.3, 0.12, 0.05])
    return form, np.array(names, dtype=object), titles + " " + surnames


def _names(female: np.ndarray, rng: np.random.Generator):
    """'Forename Surname' and a sort key (surname, forename) in alphabetical order."""
    forenames = np.array(FEMALE + MALE, dtype=object)
    n = len(female)
    first = np.where(female, rng.integers(0, len(FEMALE), n), len(FEMALE) + rng.integers(0, len(MALE), n))
    last = rng.integers(0, len(SURNAMES), n)
    surnames = np.array(SURNAMES, dtype=object)
    first_rank, last_rank = np.argsort(np.argsort(forenames)), np.argsort(np.argsort(surnames))
    return forenames[first] + " " + surnames[last], (last_rank[last], first_rank[first])


def _blank(values: np.ndarray, rate, rng: np.random.Generator):
    """The values with a share of cells (rate: a number or one per pupil) left empty: whole numbers stay whole
    numbers (a nullable integer column), text an object column."""
    empty = rng.random(len(values)) < rate
    if values.dtype.kind in "iuf":
        return pd.arrays.IntegerArray(values.astype(np.int64), empty)
    return pd.Series(values, dtype=object).where(~empty, None)


def generate_school(rows: int = 1000, seed: int = 11) -> pd.DataFrame:
    if rows < 1:
        raise ValueError("rows must be at least 1")
    if rows > MAX_ROWS:
        raise ValueError(f"rows must be at most {MAX_ROWS:,}")
    rng = np.random.default_rng(seed)
    n = rows
    normal = lambda scale=1.0: rng.standard_normal(n) * scale  # noqa: E731

    year = rng.permutation(np.repeat(YEARS, _sizes(n)))
    form, form_names, tutors = _forms(year, rng)
    form_effect = rng.normal(0.0, 0.08, len(form_names))
    if len(form_names) >= 5:
        form_effect[rng.choice(len(form_names), size=2, replace=False)] = -0.45
    class_effect = form_effect[form]

    female = rng.random(n) < 0.49
    fsm = rng.random(n) < 0.25
    # Boys and disadvantaged pupils are more often identified with SEN (about 2:1 and 1.6:1).
    likelihood = np.where(female, 0.65, 1.35) * np.where(fsm, 1.6, 0.8)
    draw = rng.random(n)
    ehcp, support_need = draw < 0.03 * likelihood, draw < 0.16 * likelihood
    sen = np.where(ehcp, "E", np.where(support_need, "K", "N"))
    eal = rng.random(n) < 0.18

    home = normal() - 0.55 * fsm
    need = 0.55 * (sen == "K") + 1.05 * (sen == "E")
    prior = normal(0.86) + 0.25 * home - need - 0.08 * eal - 0.05 * fsm + 0.2
    engagement = normal(0.9) + 0.3 * home - 0.2 * (sen != "N") + 1.5 * class_effect

    ks2 = np.clip(np.round(104 + 6.3 * prior), 80, 120).astype(int)
    absence = np.minimum(np.exp(np.log(0.046) + 0.62 * normal() - 0.35 * engagement - 0.15 * home
                                + 0.25 * fsm + 0.15 * (sen == "E")), 0.38)
    possible = np.where(rng.random(n) < 0.95, POSSIBLE_SESSIONS, rng.integers(60, POSSIBLE_SESSIONS, n))
    missed = np.minimum(rng.binomial(possible, absence), np.floor(0.4 * possible))
    attendance = np.round(100 * (possible - missed) / possible, 1)
    homework = np.round(100 / (1 + np.exp(-(1.5 + 0.9 * engagement + 0.35 * home + normal(0.6)))))
    behaviour = rng.poisson(np.exp(0.8 - 0.7 * engagement + 0.3 * ~female + 0.3 * (sen == "K")
                                   + 0.6 * (sen == "E") + 0.15 * fsm) * rng.gamma(2.0, 0.5, n))

    # The school's own contribution: attendance and engagement this year, beside what pupils arrived with.
    attainment = (0.72 * prior + 0.22 * engagement - 1.2 * (absence - 0.07) + 0.08 * home - 0.05 * fsm
                  + class_effect - 0.1 * (sen == "E"))
    mock = lambda shift, noise: np.clip(np.round(56 + 17 * (attainment + shift + normal(noise))), 0, 100)  # noqa: E731
    maths = mock(0.06 * eal - 0.04 * female, 0.4)
    english = mock(0.1 * female - 0.1 * ~female - 0.1 * eal, 0.42)
    science = mock(-0.05 * eal, 0.4)
    art = 0.45 * prior + 0.35 * engagement + 0.25 * female + normal(0.75) + 0.22 * (year - 11)
    art_grade = ART_LABELS[np.searchsorted(ART_CUTS, art)]

    names, (surname_key, forename_key) = _names(female, rng)
    frame = pd.DataFrame({
        "UPN": _upns(year, rng.random(n) < np.where(eal, 0.35, 0.04), rng),
        "Student Name": names, "Year Group": year, "Form": form_names[form], "Teacher": tutors[form],
        "Gender": np.where(female, "F", "M"), "FSM": np.where(fsm, "Y", "N"), "SEN": sen,
        "EAL": np.where(eal, "Y", "N"), "Attendance %": attendance,
        "KS2 Scaled Score": _blank(ks2, np.where(eal, 0.105, 0.025), rng),
        "Homework Completion %": homework.astype(int), "Behaviour Points": behaviour.astype(int),
    }, columns=COLUMNS)
    absent = 0.003 + 0.1 * absence  # the absent miss mocks
    for column, marks in (("Maths Mock", maths), ("English Mock", english), ("Science Mock", science)):
        frame[column] = _blank(marks, absent, rng)
    frame["Art Grade"] = _blank(art_grade, 0.02, rng)
    # MIS exports list pupils by year, form, then surname and forename.
    order = np.lexsort((forename_key, surname_key, form))
    return frame.iloc[order].reset_index(drop=True)
