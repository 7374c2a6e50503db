"""Column roles: which uploaded column plays which part, and how its values become numbers.

A role is matched by normalised column name (case, spaces, underscores, hyphens ignored). The Kaggle
"Student Performance Factors" names come first; the UCI Student Performance and other common school
exports follow, each mapped only where the column honestly measures the same thing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

LOW_MED_HIGH = {"low": 0, "medium": 1, "med": 1, "moderate": 1, "high": 2}
YES_NO = {"yes": 1, "y": 1, "true": 1, "1": 1, "no": 0, "n": 0, "false": 0, "0": 0}


@dataclass(frozen=True)
class Role:
    name: str
    label: str  # what a teacher calls it
    aliases: tuple[str, ...]
    kind: str  # "numeric", "ordinal", "group" or "id" (an identifier: shown to staff, never modelled)
    levels: dict[str, float] = field(default_factory=dict)  # ordinal: normalised text -> number
    valid: tuple[float, float] | None = None  # plausible range for numeric values


def norm(text: str) -> str:
    """Normalise a column name or category for matching: 'Parental  Education-Level' -> 'parentaleducationlevel'."""
    return re.sub(r"[\s_\-./%()]+", "", str(text).strip().lower())


def norm_level(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(text).strip().lower())


ROLES: tuple[Role, ...] = (
    Role("student_id", "Student id", ("upn", "student_id", "pupil_id", "studentid", "id", "id_student",
                                      "admission_number", "adno", "student_number", "candidate_number", "uln"), "id"),
    Role("name", "Name", ("student_name", "name", "pupil_name", "full_name", "legal_name", "preferred_name"), "id"),
    Role("year_group", "Year group", ("year_group", "yeargroup", "year", "nc_year", "year_level", "grade_level"),
         "group"),
    Role("form", "Form", ("form", "form_group", "tutor_group", "reg_group", "registration_group", "teaching_group",
                          "class_group", "teaching_set", "homeroom"), "group"),
    Role("teacher", "Teacher", ("teacher", "class_teacher", "subject_teacher", "form_tutor", "tutor",
                                "teacher_name"), "group"),
    Role("fsm", "Disadvantaged (FSM)", ("fsm", "free_school_meals", "fsm_eligible", "fsm6", "ever6", "fsm_ever6",
                                        "pupil_premium", "pp", "disadvantaged", "disadvantage"), "group"),
    Role("sen", "SEN", ("sen", "sen_status", "send", "sen_code", "sen_provision", "special_educational_needs",
                        "sen_support"), "group"),
    Role("eal", "EAL", ("eal", "english_additional_language", "english_as_an_additional_language", "ell", "esl"),
         "group"),
    Role("homework", "Homework completion (%)", ("homework_completion", "homework", "homework_completion_rate",
                                                 "homework_pct", "homework_rate", "homework_completion_pct"),
         "numeric", valid=(0, 100)),
    Role("behaviour", "Behaviour points", ("behaviour_points", "behavior_points", "behaviour", "behavior",
                                          "negative_points", "behaviour_incidents", "incidents", "conduct_points"),
         "numeric", valid=(0, 100_000)),
    Role("hours_studied", "Hours studied", ("hours_studied", "study_hours", "hours_of_study", "weekly_study_hours",
                                             "studytime", "study_time"), "numeric", valid=(0, 100)),
    Role("attendance", "Attendance (%)", ("attendance", "attendance_rate", "attendance_pct", "attendance_percent",
                                          "attendance_percentage"), "numeric", valid=(0, 100)),
    # Absences count against attendance; used only when no attendance column exists.
    Role("absences", "Absences", ("absences", "days_absent", "absence_days", "absent_days",
                                  "student_absence_days"), "numeric", {"under 7": 0, "above 7": 1},
         valid=(0, 400)),
    Role("parental_involvement", "Parental involvement", ("parental_involvement", "parent_involvement", "famsup",
                                                           "family_support", "parent_answering_survey"), "ordinal", {**LOW_MED_HIGH, **YES_NO}),
    Role("access_to_resources", "Access to resources", ("access_to_resources", "resources", "resource_access"),
         "ordinal", LOW_MED_HIGH),
    Role("extracurricular", "Extracurricular activities", ("extracurricular_activities", "extracurricular",
                                                            "activities"), "ordinal", YES_NO),
    Role("sleep_hours", "Sleep hours", ("sleep_hours", "sleep", "hours_of_sleep"), "numeric", valid=(0, 24)),
    Role("previous_score", "Previous score", ("previous_scores", "previous_score", "prior_score", "prior_scores",
                                              "previous_grade", "g2", "ks2_scaled_score", "ks2_score", "ks2",
                                              "ks2_average", "ks2_average_scaled_score", "ks2_maths",
                                              "ks2_maths_scaled_score", "ks2_reading", "ks2_reading_scaled_score",
                                              "prior_attainment", "ks2_ss"), "numeric", valid=(0, 100)),
    Role("motivation", "Motivation", ("motivation_level", "motivation"), "ordinal", LOW_MED_HIGH),
    Role("internet_access", "Internet access", ("internet_access", "internet", "home_internet"), "ordinal", YES_NO),
    Role("tutoring", "Tutoring sessions", ("tutoring_sessions", "tutoring", "tutoring_sessions_per_month",
                                           "paid", "extra_paid_classes", "test_preparation_course"), "numeric",
         {**YES_NO, "none": 0, "completed": 1}, valid=(0, 60)),
    Role("family_income", "Family income", ("family_income", "income", "household_income", "lunch"), "ordinal",
         {**LOW_MED_HIGH, "free/reduced": 0, "free reduced": 0, "standard": 1}),
    Role("teacher_quality", "Teacher quality", ("teacher_quality",), "ordinal", LOW_MED_HIGH),
    Role("school_type", "School type", ("school_type", "type_of_school", "school"), "group"),
    Role("peer_influence", "Peer influence", ("peer_influence",), "ordinal",
         {"negative": 0, "neutral": 1, "positive": 2}),
    Role("physical_activity", "Physical activity", ("physical_activity", "exercise_hours", "sport_hours"),
         "numeric", valid=(0, 40)),
    Role("learning_disabilities", "Learning disabilities", ("learning_disabilities", "learning_disability"), "ordinal", YES_NO),
    Role("parental_education", "Parental education", ("parental_education_level", "parental_education",
                                                      "parental_level_of_education", "medu"), "numeric",
         {"none": 0, "primary": 1, "some high school": 1, "high school": 2, "secondary": 2, "some college": 3,
          "college": 3, "associate's degree": 3, "associates degree": 3, "bachelor's degree": 4,
          "bachelors degree": 4, "master's degree": 5, "masters degree": 5, "postgraduate": 5, "phd": 6},
         valid=(0, 10)),
    Role("distance_from_home", "Distance from home", ("distance_from_home", "distance", "traveltime",
                                                      "travel_time"), "numeric",
         {"near": 0, "moderate": 1, "far": 2}, valid=(0, 1000)),
    Role("gender", "Gender", ("gender", "sex"), "group"),
    Role("exam_score", "Exam score", ("exam_score", "exam_scores", "final_score", "final_grade", "exam", "score",
                                      "g3"), "numeric", valid=(0, 100)),
)
ROLE_BY_NAME = {r.name: r for r in ROLES}
# The groups a school is judged on, in the order filters and breakdowns show them.
GROUP_ROLES = ("year_group", "form", "teacher", "gender", "fsm", "sen", "eal", "school_type")
IDENTIFIER_ROLES = ("student_id", "name")
# Column names that hold a person's identity: shown to staff, never modelled, never sent to an AI provider.
IDENTIFIER_NAME = re.compile(r"(^|[_\s.-])(id|ids|name|names|surname|forename|firstname|lastname|email|upn|uln|"
                             r"candidate|dob|postcode)($|[_\s.-])", re.I)

# Theme -> (role, direction). A theme is the mean of its available roles' z-scores (direction applied), so
# a 0-2 scale and a 0-100 scale weigh the same inside a theme.
THEME_PARTS: dict[str, tuple[tuple[str, int], ...]] = {
    "Hours_Studied": (("hours_studied", 1),),
    "Attendance": (("attendance", 1), ("absences", -1)),
    "Previous_Scores": (("previous_score", 1),),
    "Motivation_Level": (("motivation", 1),),
    "Resource_Access": (("access_to_resources", 1), ("internet_access", 1), ("tutoring", 1),
                        ("family_income", 1), ("teacher_quality", 1)),
    "Family_Capital": (("parental_involvement", 1), ("parental_education", 1)),
    "Personal_Wellbeing": (("sleep_hours", 1), ("physical_activity", 1), ("extracurricular", 1)),
    "Environmental_Stability": (("peer_influence", 1), ("distance_from_home", -1), ("learning_disabilities", -1)),
    "Homework": (("homework", 1),),
    "Behaviour": (("behaviour", -1),),  # behaviour points count incidents: more is worse
}


def map_columns(columns: list[str]) -> dict[str, str]:
    """Role -> column. Each column plays at most one role; earlier aliases win over later ones."""
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(norm(col), col)
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for role in ROLES:
        for alias in role.aliases:
            col = by_norm.get(norm(alias))
            if col is not None and col not in taken:
                mapping[role.name] = col
                taken.add(col)
                break
    if "attendance" in mapping:
        mapping.pop("absences", None)
    return mapping
