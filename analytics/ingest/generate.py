"""Seeded demo cohorts in the 20-column "Student Performance Factors" layout.

Records are drawn from three latent traits (engagement, home support, wellbeing) so that the columns
correlate the way real cohorts do: engaged students study more and attend more; supported students have
better resources; the exam score follows study, attendance, prior attainment and support, plus noise.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = [
    "Hours_Studied", "Attendance", "Parental_Involvement", "Access_to_Resources", "Extracurricular_Activities",
    "Sleep_Hours", "Previous_Scores", "Motivation_Level", "Internet_Access", "Tutoring_Sessions",
    "Family_Income", "Teacher_Quality", "School_Type", "Peer_Influence", "Physical_Activity",
    "Learning_Disabilities", "Parental_Education_Level", "Distance_from_Home", "Gender", "Exam_Score",
]
BLANK_RATE = {"Teacher_Quality": 0.012, "Parental_Education_Level": 0.014, "Distance_from_Home": 0.010}


def _levels(score: np.ndarray, names: list[str], shares: list[float]) -> np.ndarray:
    """Cut a continuous score into ordered levels with roughly the given shares."""
    cuts = np.quantile(score, np.cumsum(shares)[:-1])
    return np.asarray(names, dtype=object)[np.searchsorted(cuts, score)]


def generate_students(rows: int, seed: int = 7) -> pd.DataFrame:
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = np.random.default_rng(seed)
    n = rows
    engagement, support, wellbeing = rng.standard_normal((3, n))
    noise = lambda scale=1.0: rng.standard_normal(n) * scale  # noqa: E731

    hours = np.clip(np.round(20 + 4.5 * engagement + noise(3.5)), 1, 44)
    attendance = np.clip(np.round(80 + 8 * engagement + noise(7)), 60, 100)
    motivation = _levels(0.7 * engagement + noise(0.7), ["Low", "Medium", "High"], [0.29, 0.51, 0.20])
    involvement = _levels(0.8 * support + noise(0.6), ["Low", "Medium", "High"], [0.20, 0.51, 0.29])
    resources = _levels(0.7 * support + noise(0.7), ["Low", "Medium", "High"], [0.20, 0.50, 0.30])
    income = _levels(0.8 * support + noise(0.6), ["Low", "Medium", "High"], [0.40, 0.40, 0.20])
    education = _levels(0.7 * support + noise(0.7), ["High School", "College", "Postgraduate"], [0.49, 0.31, 0.20])
    internet = np.where(rng.random(n) < 0.88 + 0.05 * np.tanh(support), "Yes", "No")
    teacher = _levels(noise(), ["Low", "Medium", "High"], [0.10, 0.60, 0.30])
    private = rng.random(n) < 0.25 + 0.12 * np.tanh(support)
    school = np.where(private, "Private", "Public")
    tutoring = np.clip(rng.poisson(np.exp(0.35 + 0.25 * engagement - 0.1 * support)), 0, 8)
    sleep = np.clip(np.round(7 + 0.9 * wellbeing + noise(0.9)), 4, 10)
    activity = np.clip(np.round(3 + 0.7 * wellbeing + noise(0.7)), 0, 6)
    extracurricular = np.where(0.5 * wellbeing + 0.3 * engagement + noise(0.8) > -0.3, "Yes", "No")
    peer = _levels(0.4 * engagement + 0.3 * wellbeing + noise(0.8), ["Negative", "Neutral", "Positive"],
                   [0.21, 0.39, 0.40])
    disability = np.where(rng.random(n) < 0.10, "Yes", "No")
    distance = _levels(noise(), ["Near", "Moderate", "Far"], [0.59, 0.31, 0.10])
    gender = np.where(rng.random(n) < 0.47, "Female", "Male")
    previous = np.clip(np.round(75 + 6 * engagement + 3 * support + noise(11)), 40, 100)

    level = {"Low": -1, "Medium": 0, "High": 1}
    exam = (
        22 + 0.55 * hours + 0.28 * attendance + 0.12 * previous
        + 1.1 * pd.Series(involvement).map(level).to_numpy()
        + 1.0 * pd.Series(resources).map(level).to_numpy()
        + 0.6 * pd.Series(motivation).map(level).to_numpy()
        + 0.5 * tutoring + 0.6 * (internet == "Yes")
        - 1.6 * (disability == "Yes") - 0.7 * (distance == "Far")
        + 0.7 * (peer == "Positive") - 0.7 * (peer == "Negative")
        + noise(4.5)
    )
    frame = pd.DataFrame({
        "Hours_Studied": hours.astype(int), "Attendance": attendance.astype(int),
        "Parental_Involvement": involvement, "Access_to_Resources": resources,
        "Extracurricular_Activities": extracurricular, "Sleep_Hours": sleep.astype(int),
        "Previous_Scores": previous.astype(int), "Motivation_Level": motivation, "Internet_Access": internet,
        "Tutoring_Sessions": tutoring.astype(int), "Family_Income": income, "Teacher_Quality": teacher,
        "School_Type": school, "Peer_Influence": peer, "Physical_Activity": activity.astype(int),
        "Learning_Disabilities": disability, "Parental_Education_Level": education,
        "Distance_from_Home": distance, "Gender": gender,
        "Exam_Score": np.clip(np.round(exam), 0, 100).astype(int),
    }, columns=COLUMNS)
    for column, rate in BLANK_RATE.items():
        frame[column] = frame[column].astype(object).where(rng.random(n) >= rate, None)
    return frame
