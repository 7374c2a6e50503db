"""The request context every callback reads: a missing or still-fitting risk model is a state the panels show,
and every panel that needs a background job's result redraws when the jobs-ready store changes."""
import dash
import pytest
from dash.exceptions import PreventUpdate
from test_callbacks import text, walk

from backend.store import NotReady
from callbacks import interventions, register_all, risk, scenario
from callbacks import map as map_callbacks
from callbacks.context import SET_BY_YOU, request
from components import ids
from components.layout import layout


class Fitting:
    """The store while the risk model's background job is still running."""

    def __init__(self, store):
        self.store = store

    def __getattr__(self, name):
        return getattr(self.store, name)

    def whatif(self, *args, **kwargs):
        raise NotReady("the risk model job is running")


@pytest.fixture(scope="module")
def view(kaggle_ready):
    return {"dataset_id": kaggle_ready, "personas": 5}


def test_a_request_carries_the_view_the_model_and_the_pass_mark(store, view, analysis):
    name = analysis.personas[0].name
    req = request(store, view, filters={"persona": [name], "gender": ["Robot"]}, need=("scores",))
    assert req.filters == {"persona": [name]}  # values the file does not hold are dropped
    assert int(req.mask.sum()) == int((analysis.students["Persona"] == name).sum())
    assert req.missing is None and req.mark == req.model.risk.default_pass_mark
    assert req.mark_reason == req.model.risk.pass_mark_reason
    assert len(req.scores.at_risk) == analysis.rows
    typed = request(store, view, mark="70", need=("scores",))
    assert typed.mark == 70.0 and typed.mark_reason == SET_BY_YOU and typed.scores.pass_mark == 70.0


def test_no_view_yet_updates_nothing(store):
    with pytest.raises(PreventUpdate):
        request(store, None, need=("scores",))


def test_a_file_no_model_can_score_is_a_state_with_its_reason(store, partial):
    no_exam = partial[0]  # no exam scores and no earlier model chosen
    req = request(store, {"dataset_id": no_exam.dataset_id, "personas": 5}, need=("scores",))
    assert req.scores is None and req.model is None
    assert req.missing.reason and not req.missing.pending


def test_panels_say_the_model_is_being_fitted(store, view):
    fitting = Fitting(store)
    req = request(fitting, view, need=("scores",))
    assert req.missing.pending and req.scores is None
    assert "being fitted" in text(risk.summary_content(fitting, view, None, None, None))
    assert "being fitted" in text(risk.fairness_content(fitting, view, "Gender", None, None))
    state = risk.model_state(fitting, view, None)
    assert "being fitted" in text(state["status"]) and state["sliders"] == []
    assert "being fitted" in text(scenario.cohort_content(fitting, view, None, None, None, {})[0])
    assert "being fitted" in text(scenario.student_content(fitting, view, 0, None, None))
    rows, defs, count = interventions.list_content(fitting, view, None, None, None)
    assert rows == [] and "being fitted" in count
    assert map_callbacks.risk_chance(fitting, view, None, None) is None
    # once the job is done the same panels show their content
    assert "being fitted" not in text(risk.summary_content(store, view, None, None, None))
    assert interventions.list_content(store, view, None, None, None)[0]


def test_every_panel_that_needs_a_job_redraws_when_jobs_finish(store, kaggle_id):
    app = dash.Dash(__name__)
    app.layout = layout(kaggle_id, "/api/upload", store.max_bytes)
    register_all(app, store)
    jobs = next(c for c in walk(app.layout) if not isinstance(c, str) and getattr(c, "id", None) == ids.JOBS_READY)
    assert jobs.data is None
    waiting = {f"{ids.RISK_STATUS}.children", f"{ids.RISK_SUMMARY}.children", f"{ids.RISK_QUALITY_BOX}.children",
               f"{ids.FAIRNESS_TABLE}.children", f"{ids.TARGET_RESULT}.children", f"{ids.SCENARIO_RESULT}.children",
               f"{ids.PROFILE_RISK}.children", f"{ids.STUDENT_WHATIF}.children", f"{ids.INTERVENTION_TABLE}.rowData",
               f"{ids.MAP_COLOUR}.options", f"{ids.STUDENT_MAP}.figure", f"{ids.OUTLIER_TABLE}.rowData"}
    written, listening = set(), set()
    for key, spec in app.callback_map.items():
        # the key names the outputs: "id.prop" or "..id.prop...id.prop.." for several
        outputs = set(key.strip(".").split("...")) & waiting
        written |= outputs
        listening |= outputs if {"id": ids.JOBS_READY, "property": "data"} in spec["inputs"] else set()
    assert written == waiting and listening == waiting
