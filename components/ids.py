"""Every component id of the page, named once: the layout, the figures and the callbacks refer to these, so a
renamed id breaks at import rather than as a callback that silently never fires. assets/upload.js and
assets/style.css name a few of them too (upload-*, drop-zone, student-table and the like)."""
from __future__ import annotations

# page state (dcc.Store / dcc.Location)
URL = "url"
DATASET_ID = "dataset-id"
UPLOADED = "uploaded"  # what the last upload stored; the view-state callback switches to it
VIEW = "view"  # {dataset_id, personas}: the Analysis itself stays server-side
FILTERS = "filters"
STUDENT = "student"  # 0-based data row of the student whose profile is open
JOBS_READY = "jobs-ready"  # written when a background job (risk model, outliers) finishes: its panels redraw
# each background job's progress bar, its label and the box that shows them while the job computes
JOB_PROGRESS = {job: (f"{job}-job-progress", f"{job}-job-box") for job in ("outliers", "risk")}
# what starts each background job: set with the view only while the job's result is not stored yet
JOB_START = {job: f"{job}-job-start" for job in ("map", "outliers", "risk")}

# navbar, upload and settings
NAVBAR_DATASET = "navbar-dataset"
DROP_ZONE = "drop-zone"
UPLOAD_INPUT = "upload-input"  # added by assets/upload.js
UPLOAD_PROGRESS = "upload-progress"
UPLOAD_STATUS = "upload-status"
UPLOAD_RESULT = "upload-result"
PERSONA_COUNT = "persona-count"
PERSONA_COUNT_LABEL = "persona-count-label"
DATASET_SUMMARY = "dataset-summary"
DASHBOARD_ERROR = "dashboard-error"
SKIPPED_ALERTS = "skipped-alerts"
KPI_ROW = "kpi-row"
KPI_STUDENTS = "kpi-students"
KPI_OUTLIERS = "kpi-outliers"
KPI_WEAKEST_RULE = "kpi-weakest-rule"  # says what makes a trajectory the weakest
# pattern-matching types {"type": ..., "part": name}: the texts a filter change rewrites in place, so a click
# sends a few strings instead of the tiles or list items around them (see callbacks/common.in_place)
KPI_PART = "kpi-part"
PERSONA_LIST_PART = "persona-list-part"
TRAJECTORY_LIST_PART = "trajectory-list-part"
INSIGHTS_FACT_PART = "insights-fact-part"


def skipped_alert(model: str) -> str:
    return f"skipped-{model}"


# filter bar: the controls card in the page, and the one-line bar (chips, count, Filters button) that sticks
FILTER_BAR = "filter-bar"
FILTER_PANEL = "filter-panel"
FILTERS_TOGGLE = "filters-toggle"
F_GENDER = "f-gender"
F_SCHOOL = "f-school"
F_PERSONA = "f-persona"
F_TRAJECTORY = "f-trajectory"
F_SCORE = "f-score"
F_OUTLIER = "f-outlier"
F_GENDER_BOX = "f-gender-box"
F_SCHOOL_BOX = "f-school-box"
F_PERSONA_BOX = "f-persona-box"
F_TRAJECTORY_BOX = "f-trajectory-box"
F_SCORE_BOX = "f-score-box"
F_OUTLIER_BOX = "f-outlier-box"
# filter key -> (control, the box that hides it when the file has no such column)
FILTER_CONTROLS = {"gender": (F_GENDER, F_GENDER_BOX), "school": (F_SCHOOL, F_SCHOOL_BOX),
                   "persona": (F_PERSONA, F_PERSONA_BOX), "trajectory": (F_TRAJECTORY, F_TRAJECTORY_BOX),
                   "score": (F_SCORE, F_SCORE_BOX), "outlier": (F_OUTLIER, F_OUTLIER_BOX)}
FILTER_CHIPS = "filter-chips"
FILTER_COUNT = "filter-count"
FILTERS_CLEAR = "filters-clear"
CHIP_CLEAR = "chip-clear"  # pattern-matching type: {"type": CHIP_CLEAR, "key": filter key}

# personas and trajectories
PERSONA_SECTION = "persona-section"
PERSONA_DONUT = "persona-donut"
PERSONA_LIST = "persona-list"
PERSONA_RADAR = "persona-radar"
RADAR_PERSONA = "radar-persona"
SCORE_DISTRIBUTION = "score-distribution"
SCORE_GRAPH = "score-graph"
SCORE_NOTE = "score-note"
TRAJECTORY_SECTION = "trajectory-section"
TRAJECTORY_DONUT = "trajectory-donut"
TRAJECTORY_LIST = "trajectory-list"
TRAJECTORY_MIX = "trajectory-mix"
TRAJECTORY_MIX_GRAPH = "trajectory-mix-graph"
TRAJECTORY_MIX_NOTE = "trajectory-mix-note"
TRAJECTORY_MIX_CAPTION = "trajectory-mix-caption"

# breakdowns
BREAKDOWN_SECTION = "breakdown-section"
BREAKDOWN_MODE = "breakdown-mode"
GENDER_BREAKDOWN = "gender-breakdown"
GENDER_GRAPH = "gender-graph"
GENDER_NOTE = "gender-note"
GENDER_CAPTION = "gender-caption"
SCHOOL_BREAKDOWN = "school-breakdown"
SCHOOL_GRAPH = "school-graph"
SCHOOL_NOTE = "school-note"
SCHOOL_CAPTION = "school-caption"
# grouping -> (figure, graph box, note, caption)
BREAKDOWNS = {"gender": (GENDER_BREAKDOWN, GENDER_GRAPH, GENDER_NOTE, GENDER_CAPTION),
              "school": (SCHOOL_BREAKDOWN, SCHOOL_GRAPH, SCHOOL_NOTE, SCHOOL_CAPTION)}

# outliers
OUTLIER_SECTION = "outlier-section"
OUTLIER_TABLE = "outlier-table"
OUTLIER_COUNT = "outlier-count"
OUTLIER_METHOD = "outlier-method"
OUTLIER_NOTE = "outlier-note"
OUTLIER_GRID_BOX = "outlier-grid-box"
DOWNLOAD_OUTLIERS = "download-outliers"

# student table
TABLE_SECTION = "table-section"
STUDENT_TABLE = "student-table"
TABLE_COUNT = "table-count"
TABLE_NOTE = "table-note"
TABLE_REFRESH = "table-refresh"
DOWNLOAD_CSV = "download-csv"
STUDENT_DOWNLOAD = "student-download"

# student map
MAP_SECTION = "map-section"
STUDENT_MAP = "student-map"
MAP_COLOUR = "map-colour"
MAP_NOTE = "map-note"
MAP_RUN = "map-run"
MAP_CANCEL = "map-cancel"
MAP_PROGRESS = "map-progress"
MAP_PROGRESS_BOX = "map-progress-box"
MAP_READY = "map-ready"  # set when the background job has the layout cached
MAP_DRAWN = "map-drawn"  # what the browser's map shows apart from the filters (the Patch key); None: no map

# profile card
PROFILE = "profile"
PROFILE_BODY = "profile-body"
PROFILE_RISK = "profile-risk"
PROFILE_ROW = "profile-row"
PROFILE_OUTLIER = "profile-outlier"
PROFILE_PREDICTED = "profile-predicted"
PROFILE_EXPLANATION = "profile-explanation"
PROFILE_FLAGS = "profile-flags"
PROFILE_SMALLEST = "profile-smallest"
SIMILAR_LIST = "similar-list"
SIMILAR_STUDENT = "similar-student"  # pattern-matching type: {"type": SIMILAR_STUDENT, "row": data row}
STUDENT_WHATIF = "student-whatif"
STUDENT_LEVER = "student-lever"  # pattern-matching type: {"type": STUDENT_LEVER, "role": lever role}

# risk, what-if and interventions
RISK_SECTION = "risk-section"
RISK_MODEL = "risk-model"
RISK_MODEL_BOX = "risk-model-box"
RISK_STATUS = "risk-status"
RISK_PANELS = "risk-panels"  # the panels that need a model: hidden when nothing can score the file
FAIRNESS_BOX = "fairness-box"
RISK_SUMMARY = "risk-summary"
RISK_COUNT = "risk-count"
EARLY_WARNING = "early-warning"
RISK_QUALITY_BOX = "risk-quality-box"
RISK_QUALITY = "risk-quality"
PASS_MARK = "pass-mark"
TARGET_SCORE = "target-score"
TARGET_RESULT = "target-result"
TARGET_SUMMARY = "target-summary"
FAIRNESS_BY = "fairness-by"
FAIRNESS_TABLE = "fairness-table"
SCENARIO_SLIDERS = "scenario-sliders"
SCENARIO_RESULT = "scenario-result"
SCENARIO_SUMMARY = "scenario-summary"
SCENARIO_BELOW = "scenario-below"
SCENARIO_PERSONA = "scenario-persona"
SCENARIO_NOTE = "scenario-note"
LEVER = "lever"  # pattern-matching type: {"type": LEVER, "role": lever role}
INTERVENTION_TABLE = "intervention-table"
INTERVENTION_COUNT = "intervention-count"
DOWNLOAD_INTERVENTIONS = "download-interventions"
INTERVENTION_DOWNLOAD = "intervention-download"

# insights and ask-your-data
INSIGHTS_SECTION = "insights-section"
INSIGHTS_BODY = "insights-body"
INSIGHTS_ENGINE = "insights-engine"
INSIGHTS_FACTS = "insights-facts"
INSIGHTS_FACTS_TABLE = "insights-facts-table"
ASK_INPUT = "ask-input"
ASK_BUTTON = "ask-button"
ASK_EXAMPLE = "ask-example"  # pattern-matching type: {"type": ASK_EXAMPLE, "index": example number}
ASK_HISTORY = "ask-history"
ASK_LOG = "ask-log"


def insight(section: str) -> str:
    return f"insight-{section}"
