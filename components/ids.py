"""Every component id of the page, named once: the layout, the figures and the callbacks refer to these, so a
renamed id breaks at import rather than as a callback that silently never fires. assets/upload.js and
assets/style.css name a few of them too (upload-*, drop-zone, student-table and the like)."""
from __future__ import annotations

import json

# page state (dcc.Store / dcc.Location)
URL = "url"
CLASS_LIST_LINK = "class-list-link"  # the printable class list of the current view
CLASS_PAGES_LINK = "class-pages-link"  # the class report: one printed page per class of the current view
CLASS_TABLE = "class-table"  # every form (or teacher) with its counts, each a link to its own view
CLASS_BANNER = "class-banner"  # "Class view: Form 10B" while the view is one class
CLASSES_SECTION = "classes-section"
DATASET_ID = "dataset-id"
UPLOADED = "uploaded"  # what the last upload stored; the view-state callback switches to it
VIEW = "view"  # {dataset_id, personas}: the Analysis itself stays server-side
FILTERS = "filters"
STUDENT = "student"  # 0-based data row of the student whose profile is open
JOBS_READY = "jobs-ready"  # written when a background job (risk model, outliers) finishes: its panels redraw
# each background job's progress bar, its label and the box that shows them while the job computes
JOB_PROGRESS = {job: (f"{job}-job-progress", f"{job}-job-box")
                for job in ("outliers", "risk", "subjects", "stability")}
# what starts each background job: set with the view only while the job's result is not stored yet
JOB_START = {job: f"{job}-job-start" for job in ("map", "outliers", "risk", "subjects", "stability")}

# tabs: one per job; the URL's path names the tab, its query the view (callbacks/tabs.py)
TABS_NAV = "tabs-nav"
TAB = "tab"  # {tab, at}: the open tab and when its sections were put in the page
TAB_CONTENT = "tab-content"  # the open tab's sections: a hidden tab's panels are not in the page at all
CHART_CLICK = "chart-click"  # {chart, prop, value, at}: a chart click or map selection, relayed from its tab
STUDENT_PICK = "student-pick"  # {source, value, at}: a student clicked on a map or grid, relayed from its tab
ADMIN_SECTION = "admin-section"


def tab_link(tab: str) -> str:
    return f"tab-{tab}"


# navbar, upload and settings
NAVBAR_DATASET = "navbar-dataset"
DROP_ZONE = "drop-zone"
UPLOAD_INPUT = "upload-input"  # added by assets/upload.js
UPLOAD_PROGRESS = "upload-progress"
UPLOAD_STATUS = "upload-status"
UPLOAD_RESULT = "upload-result"
SHEET_BOX = "sheet-box"  # shown only for a workbook with several sheets
SHEET_PICKER = "sheet-picker"  # which sheet of the workbook the dashboard reads
# the mapping panel: which column plays which part, opened from the upload card
MAPPING_OPEN = "mapping-open"
MAPPING_SUMMARY = "mapping-summary"
MAPPING_MODAL = "mapping-modal"
MAPPING_TITLE = "mapping-title"
MAPPING_BODY = "mapping-body"
MAPPING_COLUMNS = "mapping-columns"  # {dataset_id, columns}: the file the panel shows and its columns in order
MAPPING_OUTCOME = "mapping-outcome"
MAPPING_MESSAGE = "mapping-message"
MAPPING_APPLY = "mapping-apply"
MAPPING_RESET = "mapping-reset"
MAPPING_CLOSE = "mapping-close"
MAPPING_APPLIED = "mapping-applied"  # {dataset_id, reset}: choices applied; the upload status switches to them
# pattern-matching types, {"type": ..., "index": the column's position in the file}
MAP_ROLE = "map-role"
MAP_SUBJECT_BOX = "map-subject-box"  # a subject's scale, pass mark and target: shown for subjects only
MAP_SCALE = "map-scale"
MAP_CUSTOM_BOX = "map-custom-box"  # the custom scale's min and max: shown for a custom scale only
MAP_LOW = "map-low"
MAP_HIGH = "map-high"
MAP_PASS = "map-pass"
MAP_TARGET = "map-target"
PERSONA_COUNT = "persona-count"
PERSONA_COUNT_LABEL = "persona-count-label"
PERSONA_COUNT_QUALITY = "persona-count-quality"  # each count's silhouette and stability, and the suggested one
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
# the other groups a school is judged on (year group, form, teacher, FSM, SEN, EAL): f-<key> in a box of its own
FILTER_CONTROLS.update({key: (f"f-{key.replace('_', '-')}", f"f-{key.replace('_', '-')}-box")
                        for key in ("year_group", "form", "teacher", "fsm", "sen", "eal")})
FILTER_CHIPS = "filter-chips"
FILTER_COUNT = "filter-count"
FILTERS_CLEAR = "filters-clear"
CHIP_CLEAR = "chip-clear"  # pattern-matching type: {"type": CHIP_CLEAR, "key": filter key}

# personas and trajectories
PERSONA_SECTION = "persona-section"
PERSONA_CAVEAT = "persona-caveat"  # unstable personas, or personas resting on few students
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

# progress (value added)
PROGRESS_SECTION = "progress-section"
PROGRESS_SUBJECT = "progress-subject"
PROGRESS_BY = "progress-by"
PROGRESS_CONTROLS = "progress-controls"
PROGRESS_CHART = "progress-chart"
PROGRESS_GRAPH = "progress-graph"
PROGRESS_SUMMARY = "progress-summary"
PROGRESS_MEANING = "progress-meaning"
PROGRESS_NOTE = "progress-note"

# any other group (year group, form, FSM...), chosen in the panel; its Col hides when the file has none
GROUP_BREAKDOWN = "group-breakdown"
GROUP_GRAPH = "group-graph"
GROUP_NOTE = "group-note"
GROUP_CAPTION = "group-caption"
GROUP_BREAKDOWN_BY = "group-breakdown-by"
GROUP_BREAKDOWN_BOX = "group-breakdown-box"

# groups: subject x group heat map and the FSM/SEN/EAL gaps
GROUPS_SECTION = "groups-section"
GROUP_HEATMAP = "group-heatmap"
GROUP_HEATMAP_GRAPH = "group-heatmap-graph"
GROUP_HEATMAP_NOTE = "group-heatmap-note"
GAPS_TABLE = "gaps-table"

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
COUNSEL_BUTTON = "counsel-button"  # the counsellor's view of the open student
COUNSEL_BODY = "counsel-body"
COUNSEL_ENGINE = "counsel-engine"  # which engine wrote it
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
RISK_PASSFAIL = "risk-passfail"  # accuracy, AUC and Brier score of each pass/fail approach and baseline
RISK_VERDICT = "risk-verdict"
RISK_AS_WELL = "risk-as-well"  # "the previous score alone predicts this as well"
RISK_SMALL = "risk-small-sample"  # the warning on a small file
RISK_RELIABILITY = "risk-reliability"  # predicted chance against the share that fell below, by decile
PASS_MARK = "pass-mark"
SUBJECT = "subject"  # the subject the risk panels, what-if and intervention list are about ("": the outcome)
SUBJECT_BOX = "subject-box"  # hidden for a file without subjects
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

# terms over time (a dataset linked with later terms' files) and benchmarks against reference figures
TERM_UPLOAD = "term-upload"  # "Add a term": a later term's file of the dataset in view
TERM_STATUS = "term-status"
TERMS_SET = "terms-set"  # {"dataset_id", "set", "personas"}: the term set the view belongs to (ids only)
TERMS_READY = "terms-ready"  # written by the tracking job when it finishes
TERMS_START = "terms-start"  # set only while the set's tracking is not stored yet: starts its job
TERMS_SECTION = "terms-section"
TERMS_PROGRESS = "terms-progress"
TERMS_SUMMARY = "terms-summary"
TERMS_SANKEY = "terms-sankey"
TERMS_SANKEY_NOTE = "terms-sankey-note"
TERMS_MOVES_TABLE = "terms-moves-table"  # the Sankey's moves as a table for screen readers
TERMS_MOVERS = "terms-movers"  # joined and left, with their lists
TERMS_SUBJECT = "terms-subject"
TERMS_GROUP = "terms-group"
TERMS_MEASURE = "terms-measure"
OVER_TIME_CHART = "over-time-chart"
OVER_TIME_NOTE = "over-time-note"
PROFILE_TERMS = "profile-terms"  # a student's line across terms on the profile card
BENCH_SECTION = "bench-section"
BENCH_UPLOAD = "bench-upload"
BENCH_EXAMPLE = "bench-example"
BENCH_CLEAR = "bench-clear"
BENCH_STATUS = "bench-status"
BENCH_LOADED = "bench-loaded"  # bumped when a reference is loaded or cleared: the panels redraw
BENCH_CHART = "bench-chart"
BENCH_TABLE = "bench-table"
BENCH_GAPS = "bench-gaps"
BENCH_SKIPPED = "bench-skipped"
# report section: the leadership report (a background job) and carrying the personas forward
REPORT_SECTION = "report-section"
REPORT_STUDENTS = "report-students"  # "include student list" (staff only)
REPORT_BUTTON = "report-button"
REPORT_START = "report-start"  # {"ask": id} of what the job is to build, kept on the server
REPORT_PROGRESS = "report-progress"
REPORT_PROGRESS_BOX = "report-progress-box"
REPORT_RESULT = "report-result"
REPORT_HTML_LINK = "report-html-link"
REPORT_PDF_LINK = "report-pdf-link"
MODEL_DOWNLOAD_BUTTON = "model-download-button"
MODEL_DOWNLOAD = "model-download"
MODEL_UPLOAD = "model-upload"
MODEL_STATUS = "model-status"


def insight(section: str) -> str:
    return f"insight-{section}"


def map_control(kind: str, index: int) -> dict:
    return {"type": kind, "index": index}


def dom_id(component_id: dict) -> str:
    """The element id Dash gives a pattern-matching id, for a <label for=...>."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

# Erasure (components/datasets.py, callbacks/datasets.py)
DELETE_OPEN = "delete-open"
DELETE_MODAL = "delete-modal"
DELETE_NAME = "delete-name"
DELETE_CONFIRM = "delete-confirm"
DELETE_CANCEL = "delete-cancel"
DELETE_STATUS = "delete-status"
AUDIT_LINK = "audit-link"
