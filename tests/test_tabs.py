"""Tabs without a browser: only the open tab's panels are in the page, every callback stays within one tab and
the shell (so Dash never runs a hidden tab's callbacks, nor one with half its inputs missing), the path opens
its tab, and a click relayed from a tab means what the chart's own click meant."""
import pytest
from dash.exceptions import PreventUpdate

from analytics.explore import filters as flt
from backend.identity import LOCAL, Identity
from backend.store import DatasetStore
from callbacks import tabs
from callbacks.clicks import CLICKS
from callbacks.filters import relayed, sync
from callbacks.profile import SOURCES
from components import ids
from components.layout import TAB_SECTIONS, layout, tab_content
from components.tabs import KEYS, tab_key

# made by a callback once a student's card is drawn, in no tab
DYNAMIC = {ids.STUDENT_WHATIF}
# what each tab is for: a panel that must be there, and panels of other jobs that must not
SHOWS = {"overview": ids.PERSONA_DONUT, "explore": ids.STUDENT_TABLE, "risk": ids.RISK_SUMMARY,
         "subjects": ids.GROUP_HEATMAP, "insights": ids.INSIGHTS_BODY, "report": ids.REPORT_SECTION,
         "admin": ids.ADMIN_SECTION}


@pytest.fixture(scope="module")
def app(tmp_path_factory, kaggle_path):
    from app import create_app

    store = DatasetStore(str(tmp_path_factory.mktemp("tabs-cache")), max_bytes=2**20)
    return create_app(store=store, default_data=str(kaggle_path), start=False)


@pytest.fixture(scope="module")
def places(app) -> dict[str, str]:
    """component id -> "shell" or the tab whose sections hold it."""
    where = {i: "shell" for i in tabs.component_ids(app.layout)}
    for tab in TAB_SECTIONS:
        for i in tabs.component_ids(tab_content(tab)):
            assert i not in where, f"{i} is in {where[i]} and in {tab}"
            where[i] = tab
    return where


def parts(app):
    """Each callback as (outputs, inputs, states): plain ids only (pattern-matching ones live in their section)."""
    for key, spec in app.callback_map.items():
        outputs = [o.split("@")[0].rsplit(".", 1)[0] for o in key.strip(".").split("...")]
        yield ([o for o in outputs if not o.startswith("{")],
               [d["id"] for d in spec["inputs"] if isinstance(d["id"], str) and not d["id"].startswith("{")],
               [d["id"] for d in spec["state"] if isinstance(d["id"], str) and not d["id"].startswith("{")])


def test_the_page_holds_only_the_open_tab(app, places):
    shell = tabs.component_ids(app.layout)
    assert ids.TAB_CONTENT in shell and ids.KPI_ROW in shell and ids.FILTER_BAR in shell and ids.PROFILE in shell
    for tab in KEYS:
        content, state, _ = tabs.render(tab, None, LOCAL)
        shown = tabs.component_ids(content)
        assert SHOWS[tab] in shown and state["tab"] == tab
        others = {i for i, where in places.items() if where not in ("shell", tab)}
        assert not shown & others, f"{tab} shows panels of other tabs: {sorted(shown & others)[:5]}"
    # the long page's panels are not in the shell any more: a hidden tab's charts cannot fire
    assert not shell & {ids.PERSONA_DONUT, ids.STUDENT_MAP, ids.STUDENT_TABLE, ids.RISK_SUMMARY, ids.INSIGHTS_BODY,
                        ids.GROUP_HEATMAP, ids.OUTLIER_TABLE, ids.INTERVENTION_TABLE}


def test_every_callback_stays_within_one_tab_and_the_shell(app, places):
    for outputs, inputs, states in parts(app):
        where = {places.get(i, "dynamic" if i in DYNAMIC else f"missing {i}") for i in outputs + inputs + states}
        assert not [w for w in where if w.startswith("missing")], (outputs, where)
        assert len(where - {"shell", "dynamic"}) <= 1, f"{outputs} spans {where}"
        tab = next(iter(where - {"shell", "dynamic"}), None)
        if tab and "shell" in {places.get(i) for i in inputs} and tab in {places.get(i) for i in inputs}:
            # inputs on both: with the tab hidden its inputs are half missing, so its outputs must go with the tab
            assert {places.get(o) for o in outputs} == {tab}, f"{outputs} would run with half its inputs"


def test_a_filter_change_runs_only_the_open_tabs_panels(app, places):
    """What Dash runs on a persona click: the callbacks listening to the filters whose outputs are in the page."""
    listening = [outputs for outputs, inputs, _ in parts(app) if ids.FILTERS in inputs and outputs]
    runs = {tab: [o for o in listening if all(places.get(i) in ("shell", tab) for i in o)] for tab in KEYS}
    overview = {o for outputs in runs["overview"] for o in outputs}
    assert {ids.KPI_ROW, ids.PERSONA_DONUT, ids.TRAJECTORY_DONUT, ids.GENDER_BREAKDOWN} <= overview
    assert not overview & {ids.RISK_SUMMARY, ids.STUDENT_MAP, ids.INSIGHTS_BODY, ids.INTERVENTION_TABLE,
                           ids.OUTLIER_TABLE, ids.GROUP_HEATMAP, ids.CLASS_TABLE, ids.TARGET_RESULT}
    assert len(runs["overview"]) < len(listening) / 2
    assert len(runs["report"]) == len([o for o in listening if all(places.get(i) == "shell" for i in o)])


def test_every_clickable_chart_and_student_source_is_relayed_from_its_tab():
    charts = tabs.tab_sources(tabs.CHART_SOURCES)
    assert {source for found in charts.values() for source, _ in found} == set(CLICKS) | {ids.STUDENT_MAP}
    assert (ids.STUDENT_MAP, "selectedData") in charts["explore"]
    assert {s for s, _ in charts["overview"]} >= {ids.PERSONA_DONUT, ids.TRAJECTORY_DONUT, ids.PERSONA_RADAR}
    assert {s for s, _ in charts["subjects"]} == {ids.GROUP_HEATMAP, ids.PROGRESS_CHART, ids.TERMS_SANKEY,
                                                 ids.OVER_TIME_CHART}
    students = tabs.tab_sources(SOURCES)
    assert students == {"explore": [(ids.STUDENT_MAP, "clickData"), (ids.STUDENT_TABLE, "cellClicked"),
                                    (ids.OUTLIER_TABLE, "cellClicked")],
                        "risk": [(ids.INTERVENTION_TABLE, "cellClicked")]}


def test_a_relayed_click_filters_as_the_chart_itself(store, kaggle_id, analysis):
    name = analysis.personas[1].name
    click = {"points": [{"label": name, "customdata": [name]}]}
    trigger, selected, clicks = relayed({"source": ids.PERSONA_DONUT, "prop": "clickData", "value": click, "at": 1})
    assert (trigger, selected, clicks) == (ids.PERSONA_DONUT, None, {ids.PERSONA_DONUT: click})
    controls = {key: None for key in ("gender", "school", "persona", "trajectory", "score", "outlier")}
    out = sync(store, trigger, "", kaggle_id, 5, None, {}, controls, selected, clicks)
    assert out["filters"] == {"persona": [name]} and f"persona={name.split(',')[0]}" in out["search"].replace("+", " ")
    lasso = {"points": [{"customdata": [3]}, {"customdata": [8]}]}
    trigger, selected, clicks = relayed({"source": ids.STUDENT_MAP, "prop": "selectedData", "value": lasso})
    out = sync(store, trigger, "", kaggle_id, 5, None, {}, controls, selected, clicks)
    assert store.selection(out["filters"]["selection"]).tolist() == [3, 8]
    assert flt.mask(analysis, {}, selection=store.selection(out["filters"]["selection"])).sum() == 2


def test_the_path_opens_its_tab_and_a_tab_opens_once():
    assert tab_key("") == tab_key("/") == tab_key("nowhere") == "overview"
    assert tab_key("explore") == "explore" and tab_key("/risk/") == "risk" and tab_key("subjects/x") == "subjects"
    with pytest.raises(PreventUpdate):  # the same tab again (a back button over a filter change): nothing redrawn
        tabs.render("risk", {"tab": "risk", "at": 1.0}, LOCAL)
    content, state, style = tabs.render("admin", {"tab": "risk", "at": 1.0}, Identity("t", "north", "teacher"))
    assert ids.ADMIN_SECTION not in tabs.component_ids(content) and "Only administrators" in str(content)
    assert style == {"display": "none"}
    content, _, style = tabs.render("admin", None, LOCAL)
    assert ids.ADMIN_SECTION in tabs.component_ids(content) and style == {}
    assert "sign-in is not set up" in str(content) and "/accounts" not in str(content)
    content, _, _ = tabs.render("admin", None, Identity("head", "north", "admin"), "/")  # signed in: the pages
    assert "/accounts" in str(content) and "/admin/audit?format=csv" in str(content) and "days after their upload" in str(content)


def test_the_shell_validates_against_every_tab(app):
    checked = tabs.component_ids(app.validation_layout)
    for tab in KEYS:
        assert tabs.component_ids(tab_content(tab)) <= checked
    assert tabs.component_ids(layout("x", "/api/upload", 2**20)) <= checked


def test_opening_a_tab_runs_only_its_relays_of_the_callbacks_that_write_elsewhere(app, places):
    """Dash runs a callback whose input a new tab brings and whose output is outside the tab when the tab opens,
    whatever prevent_initial_call says: only the relays may be such callbacks (they skip that first call), so
    opening a tab clears no reference, downloads nothing and starts no job by itself."""
    opening = set()
    for outputs, inputs, _ in parts(app):
        for tab in {places.get(i) for i in inputs} - {"shell", None}:
            if any(places.get(o) != tab for o in outputs):
                opening |= set(outputs)
    # the relays, and the Report tab's persona-model callback (it may switch the dataset: `uploaded`), which
    # returns nothing unless a button was pressed or a file given
    assert opening == {ids.CHART_CLICK, ids.STUDENT_PICK, ids.MODEL_DOWNLOAD, ids.MODEL_STATUS, ids.UPLOADED}
