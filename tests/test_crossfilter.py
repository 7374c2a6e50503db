"""Cross-filtering without a browser: the view-state callback (clicks, controls, chips, URL) and the views
that follow it."""
import pytest
from dash import no_update
from test_callbacks import text

from analytics.explore import views
from callbacks import breakdowns, filters, personas, table, trajectories
from callbacks.common import keep, parts
from callbacks.overview import kpi_content
from components import ids


def run(store, trigger, dataset_id, current=None, search="", personas_k=5, uploaded=None, controls=None,
        selected=None, clicks=None):
    """The view-state callback's outputs; `controls` lists the bar's values in filters.KEYS order."""
    controls = dict(zip(filters.KEYS, controls or [[], [], [], [], None, "all"]))
    return filters.sync(store, trigger, search, dataset_id, personas_k, uploaded, current or {}, controls,
                        selected, clicks or {})


def click(**custom):
    return {"points": [custom]}


def test_donut_click_filters_then_clears(store, kaggle_id, analysis):
    name = views.model_names(analysis, "personas")[1]
    out = run(store, "persona-donut", kaggle_id, clicks={"persona-donut": click(customdata=name, label=name)})
    f, query = out["filters"], out["search"]
    assert f == {"persona": [name]}
    # the dataset, persona count and dropdown options stay as they are: sending them again would re-publish
    # the view and redraw every panel twice more
    assert out["dataset_id"] is no_update and out["personas"] is no_update
    assert all(v is no_update for v in out["options"].values()) and out["score_min"] is no_update
    assert out["values"]["persona"] == [name]  # the persona dropdown follows the click
    assert "persona=" in query and f"dataset={kaggle_id}" in query
    again = run(store, "persona-donut", kaggle_id, current=f, clicks={"persona-donut": click(customdata=name)})
    assert again["filters"] == {} and again["search"] == f"?dataset={kaggle_id}&personas=5"


def test_filters_compose_across_charts(store, kaggle_id, analysis):
    persona = views.model_names(analysis, "personas")[0]
    trajectory = views.model_names(analysis, "trajectories")[2]
    f = run(store, "persona-donut", kaggle_id, clicks={"persona-donut": click(customdata=persona)})["filters"]
    f = run(store, "gender-breakdown", kaggle_id, current=f,
            clicks={"gender-breakdown": click(customdata=["Male", trajectory, "10", "100", ""])})["filters"]
    assert f == {"persona": [persona], "gender": ["Male"], "trajectory": [trajectory]}
    f = run(store, "f-school", kaggle_id, current=f, controls=[["Male"], ["Private"], [persona], [trajectory],
                                                                None, "all"])["filters"]
    assert f["school"] == ["Private"] and f["gender"] == ["Male"]
    students = analysis.students
    expected = ((students["Gender"] == "Male") & (students["School_Type"] == "Private")
                & (students["Persona"] == persona) & (students["Trajectory"] == trajectory)).sum()
    assert keep(store, analysis, f).sum() == expected > 0
    # removing one chip keeps the others; clear-all empties
    chip = run(store, {"type": "chip-clear", "key": "school"}, kaggle_id, current=f)["filters"]
    assert "school" not in chip and chip["gender"] == ["Male"]
    assert run(store, "filters-clear", kaggle_id, current=f)["filters"] == {}


def test_trajectory_mix_click_sets_both(store, kaggle_id, analysis):
    persona, trajectory = views.model_names(analysis, "personas")[3], views.model_names(analysis, "trajectories")[0]
    f = run(store, "trajectory-mix", kaggle_id,
            clicks={"trajectory-mix": click(customdata=[trajectory, persona, "1", "2", ""])})["filters"]
    assert f == {"trajectory": [trajectory], "persona": [persona]}


def test_url_round_trip(store, kaggle_id, analysis):
    name = views.model_names(analysis, "personas")[0]
    out = run(store, "f-gender", kaggle_id, controls=[["Female"], [], [name], [], [60, 80], "all"])
    f, query = out["filters"], out["search"]
    assert f == {"gender": ["Female"], "persona": [name], "score": [60.0, 80.0]}
    # a fresh page with that address (the default dataset differs) reopens the same view
    reopened = run(store, "url", "someotherdataset", search=query, personas_k=5)
    assert reopened["filters"] == f and reopened["dataset_id"] == kaggle_id and reopened["search"] == query
    assert reopened["values"] == {"gender": ["Female"], "school": [], "persona": [name], "trajectory": [],
                                  "score": [60.0, 80.0], "outlier": "all",
                                  # the group dropdowns this file lacks stay empty (and hidden)
                                  **{key: [] for key in ("year_group", "form", "teacher", "fsm", "sen", "eal")}}
    # the dropdowns get their options in the same response: a Dropdown drops values it has no option for
    assert name in [o["value"] for o in reopened["options"]["persona"]]


def test_url_with_unknown_values_is_cleaned(store, kaggle_id):
    out = run(store, None, kaggle_id, search="?personas=42&gender=Robot&school=Public")
    assert out["filters"] == {"school": ["Public"]} and out["personas"] == 5 and out["dataset_id"] == kaggle_id


def test_score_slider_at_full_range_is_no_filter(store, kaggle_id, analysis):
    low, high = filters.score_bounds(analysis)
    assert run(store, "f-score", kaggle_id, controls=[[], [], [], [], [low, high], "all"])["filters"] == {}


def test_map_selection_is_kept_server_side(store, kaggle_id, analysis):
    points = {"points": [{"customdata": [r]} for r in (3, 10, 11, 4000)]}
    f = run(store, "student-map", kaggle_id, selected=points)["filters"]
    assert set(f) == {"selection"} and len(f["selection"]) <= 64
    assert list(keep(store, analysis, f).nonzero()[0]) == [3, 10, 11, 4000]
    assert run(store, "student-map", kaggle_id, current=f, selected=None)["filters"] == {}


def test_upload_switches_dataset_and_resets_filters(store, kaggle_id, partial):
    other = partial[0].dataset_id
    out = run(store, "uploaded", kaggle_id, current={"gender": ["Male"]}, uploaded={"dataset_id": other})
    assert out["dataset_id"] == other and out["filters"] == {}
    again = run(store, "uploaded", other, uploaded={"dataset_id": other})
    assert again == filters.unchanged() and again["values"]["gender"] is no_update


def test_every_view_follows_the_filter(store, kaggle_id, analysis):
    name = views.model_names(analysis, "personas")[2]
    f = {"persona": [name]}
    size = int((analysis.students["Persona"] == name).sum())
    mask = keep(store, analysis, f)
    kpi = views.kpis(analysis, mask)
    assert kpi["students"] == size
    donut = personas.persona_panels(analysis, f, keep(store, analysis, f, ignore=("persona",)), mask)[0]
    assert sum(donut.data[0]["values"]) == 6607 and donut.data[0].pull[2] > 0  # all slices, chosen one pulled out
    tdonut = trajectories.trajectory_panels(analysis, f, keep(store, analysis, f, ignore=("trajectory",)), mask)[0]
    assert sum(tdonut.data[0]["values"]) == size
    response, count = table.block(store, {"dataset_id": kaggle_id, "personas": 5}, f, {"startRow": 0, "endRow": 10_000})
    rows = response["rowData"]
    assert len(rows) == size == response["rowCount"] and {r["Persona"] for r in rows} == {name}
    assert count == f"{size:,} students"
    fig = breakdowns.breakdown_panel(analysis, "gender", "count", mask)[0]
    assert sum(sum(t.y) for t in fig.data) == 2 * size
    radar = personas.radar(analysis, "all", f)
    assert [t.opacity for t in radar.data].count(0.2) == 4


def test_small_cells_say_fewer_than(store, kaggle_id, analysis):
    f = {"score": [88.0, 101.0]}
    mask = keep(store, analysis, f)
    fig, _, hidden_note, _ = breakdowns.breakdown_panel(analysis, "school", "count", mask, threshold=10)
    hovers = [c[2] for t in fig.data for c in t.customdata]
    assert "fewer than 10" in hovers
    assert all(v == 0 for t in fig.data for v, c in zip(t.y, t.customdata) if c[2] == "fewer than 10")
    assert "fewer than 10 students" in str(hidden_note)


def test_chips_and_options(analysis):
    opts = filters.options(analysis)["options"]
    genders = [o["value"] for o in opts["gender"]]
    assert set(genders) == {"Male", "Female"} and len(opts["persona"]) == 5 and len(opts["trajectory"]) == 3
    low, high = filters.options(analysis)["bounds"]
    assert low == analysis.students["Exam_Score"].min() and high == analysis.students["Exam_Score"].max()


@pytest.mark.parametrize("missing", ["gender"])
def test_filters_hidden_when_the_file_lacks_the_column(partial, missing):
    no_traj, _ = partial
    styles = filters.options(no_traj)["styles"]
    assert styles["school"] == {"display": "none"} and styles["trajectory"] == {"display": "none"}
    assert styles[missing] == {}
    assert styles["score"] == {"display": "none"}  # no exam score, no score slider


def test_kpis_follow_the_filter(store, kaggle_id, analysis):
    name = views.model_names(analysis, "personas")[0]
    size = int((analysis.students["Persona"] == name).sum())
    tiles = text(kpi_content(store, {"dataset_id": kaggle_id, "personas": 5}, {"persona": [name]}))
    assert f"{size:,}" in tiles and "in this view, of 6,607" in tiles


def test_a_click_rewrites_the_numbers_in_place(store, kaggle_id, analysis):
    """A filter change sends the KPI, persona-list and trajectory-list texts alone: the parts must be the same
    with and without a filter (else the browser gets the whole tiles again) and carry the view's numbers."""
    view = {"dataset_id": kaggle_id, "personas": 5}
    name = views.model_names(analysis, "personas")[0]
    in_view = analysis.students["Persona"] == name
    whole = parts(kpi_content(store, view, {}), ids.KPI_PART)
    one = parts(kpi_content(store, view, {"persona": [name]}), ids.KPI_PART)
    assert set(whole) == set(one) >= {"students-value", "students-detail", "exam-value", "weakest-value"}
    assert one["students-value"] == f"{int(in_view.sum()):,}" and whole["students-value"] == "6,607"
    assert one["students-detail"] == "in this view, of 6,607"
    assert one["exam-value"] == f"{analysis.students.loc[in_view, analysis.exam_column].mean():.1f}"
    mask = keep(store, analysis, {"persona": [name]}, ignore=("trajectory",))
    for model, part_type, panels in (("personas", ids.PERSONA_LIST_PART, personas.persona_panels),
                                     ("trajectories", ids.TRAJECTORY_LIST_PART, trajectories.trajectory_panels)):
        everyone = parts(panels(analysis)[1], part_type)
        filtered = parts(panels(analysis, {"persona": [name]}, mask, mask)[1], part_type)
        assert set(everyone) == set(filtered) and everyone["scope"] is None
        assert "of 6,607 students" in filtered["scope"]
        column = "Persona" if model == "personas" else "Trajectory"
        sizes = analysis.students.loc[in_view, column].value_counts()
        for index, item_name in enumerate(views.model_names(analysis, model)):
            assert filtered[f"size-{index}"].startswith(f"{int(sizes.get(item_name, 0)):,} in view")
