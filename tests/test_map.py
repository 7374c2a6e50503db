"""The student map without a browser and without UMAP: the figure, and the callbacks' functions on a store
whose layout is a stand-in (random points), so nothing here pays the numba compile."""
import base64
import json

import numpy as np
import pandas as pd
import pytest
from dash.exceptions import PreventUpdate
from plotly.io.json import to_json_plotly

from analytics.models.projection import Projection
from backend.store import DatasetStore
from callbacks import map as map_callbacks
from components import map as map_component
from components.layout import full_layout, layout

KAGGLE = "student_performance_factors.csv"


def decode(array):
    """A plotly typed-array spec ({"dtype": "f4", "bdata": base64}) as numbers."""
    assert set(array) >= {"dtype", "bdata"}, "coordinates should travel as typed arrays"
    return np.frombuffer(base64.b64decode(array["bdata"]), dtype={"f4": np.float32, "f8": np.float64}[array["dtype"]])


def student_points(traces) -> list:
    return [t for t in traces if t.meta in ("students", "outside")]


def drawn_rows(fig) -> np.ndarray:
    return np.sort(np.concatenate([np.asarray(t.customdata, dtype=int) for t in student_points(fig.data)]))


def synthetic(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    xy = rng.normal(size=(n, 2)).astype(np.float32)
    points = pd.DataFrame({"row": np.arange(n),
                           "Persona": pd.Categorical.from_codes(rng.integers(0, 3, n), ["A", "B", "C"]),
                           "score": rng.integers(40, 100, n).astype(float)})
    return xy, points


PALETTE = {"A": "#2563eb", "B": "#f59e0b", "C": "#10b981"}


@pytest.fixture(scope="module")
def map_store(tmp_path_factory, kaggle_bytes):
    store = DatasetStore(str(tmp_path_factory.mktemp("map-cache")), max_bytes=50 * 2**20)
    dataset_id = store.add(kaggle_bytes, KAGGLE)
    analysis = store.analysis(dataset_id, 5)
    xy = np.random.default_rng(1).normal(size=(analysis.rows, 2)).astype(np.float32)
    store.set_projection(dataset_id, Projection(xy, False, analysis.rows, 1.0, "Laid out all 6,607 students."))
    return store, {"dataset_id": dataset_id, "personas": 5}, analysis


def test_one_point_per_student_with_its_row_as_customdata():
    xy, points = synthetic(500)
    fig, note = map_component.map_figure(xy, points, "Persona", PALETTE)
    assert note == "" and not [t for t in fig.data if t.meta == "outside"]
    assert np.array_equal(drawn_rows(fig), np.arange(500))
    for trace in student_points(fig.data):
        rows = np.asarray(trace.customdata, dtype=int)
        assert np.allclose(decode(trace.x), xy[rows, 0]) and np.allclose(decode(trace.y), xy[rows, 1])
        assert trace.type == "scattergl" and trace.marker.color == PALETTE[trace.name]
    first = next(t for t in fig.data if 0 in np.asarray(t.customdata))
    assert first.text[list(first.customdata).index(0)].startswith("<b>Row 2</b>")  # as a spreadsheet numbers it
    assert fig.layout.dragmode == "lasso"
    # In the JSON the browser gets, customdata must be a plain list: dcc.Graph indexes it by point number to
    # fill clickData/selectedData, and cannot index plotly's typed-array form ({"dtype", "bdata"}).
    for trace in json.loads(to_json_plotly(fig))["data"]:  # as Dash serialises a figure
        assert isinstance(trace["customdata"], list), "customdata sent as a typed array"
        assert trace["customdata"] == [int(c) for c in trace["customdata"]]


def grey_rows(fig) -> np.ndarray:
    """Rows drawn grey: the students of each trace that are not among its selectedpoints."""
    out = []
    for t in student_points(fig.data):
        rows = np.asarray(t.customdata, dtype=int)
        if t.selectedpoints is not None:
            out.append(np.delete(rows, np.asarray(t.selectedpoints, dtype=int)))
    return np.sort(np.concatenate(out)) if out else np.array([], dtype=int)


def test_students_outside_the_filters_are_grey():
    xy, points = synthetic(400)
    keep = points["Persona"].to_numpy() == "B"
    fig, _ = map_component.map_figure(xy, points, "Persona", PALETTE, keep=keep)
    assert np.array_equal(grey_rows(fig), np.flatnonzero(~keep))
    for trace in student_points(fig.data):
        assert trace.unselected.marker.color == map_component.OUTSIDE
    assert np.array_equal(drawn_rows(fig), np.arange(400))
    everyone, _ = map_component.map_figure(xy, points, "Persona", PALETTE)
    assert len(grey_rows(everyone)) == 0


def test_a_filter_change_is_patched_with_the_grey_alone(map_store):
    """The browser already has the points; the Patch carries only which of them stay coloured."""
    store, view, analysis = map_store
    name = analysis.personas[0].name
    fig, _, _ = map_callbacks.map_content(store, view, {"persona": [name]}, None, "persona", None)
    key = map_callbacks.drawn_key(fig, view, None, "persona", None, None)
    patch = map_callbacks.figure_or_patch(fig, key, key, frozenset({"filters"}))
    operations = json.loads(to_json_plotly(patch))["operations"]
    assert {tuple(op["location"][2:]) for op in operations} == {("selectedpoints",)}
    kept = {tuple(op["location"][:2]): op["params"]["value"] for op in operations}
    for index, trace in enumerate(fig.data):
        if trace.meta == "students":
            assert kept[("data", index)] == (None if trace.selectedpoints is None else list(trace.selectedpoints))
    assert len(to_json_plotly(patch)) * 5 < len(to_json_plotly(fig))
    # a new colour, another student, or a browser showing something else gets the whole figure
    other = map_callbacks.drawn_key(fig, view, 5, "persona", None, None)
    assert map_callbacks.figure_or_patch(fig, key, other, frozenset({"filters"})) is fig
    assert map_callbacks.figure_or_patch(fig, key, key, frozenset({"filters", "map-colour"})) is fig
    assert map_callbacks.figure_or_patch(fig, key, None, frozenset({"filters"})) is fig


def test_selected_student_and_neighbours_are_ringed():
    xy, points = synthetic(300)
    fig, _ = map_component.map_figure(xy, points, "Persona", PALETTE, selected=7, neighbours=[1, 2, 3])
    chosen = next(t for t in fig.data if t.meta == "selected")
    near = next(t for t in fig.data if t.meta == "neighbours")
    assert list(chosen.customdata) == [7] and chosen.marker.size > 10 and chosen.marker.line.width >= 2
    assert list(near.customdata) == [1, 2, 3] and near.marker.symbol == "circle-open"
    assert fig.data[-1].meta == "selected"  # on top of everything


def test_continuous_colour_for_scores():
    xy, points = synthetic(200)
    fig, _ = map_component.map_figure(xy, points, "score", None, score_label="Exam score")
    (trace,) = student_points(fig.data)
    assert len(trace.marker.color) == 200 and trace.marker.colorscale and "Exam score: " in trace.text[0]


def test_large_cohorts_get_a_density_layer_and_a_sample_of_points():
    n = map_component.AGGREGATE_ABOVE + 1
    xy, points = synthetic(n)
    fig, note = map_component.map_figure(xy, points, "Persona", PALETTE)
    assert fig.data[0].meta == "density" and fig.data[0].type == "heatmap"
    drawn = drawn_rows(fig)
    assert len(drawn) <= map_component.SAMPLE_POINTS + 1 and len(np.unique(drawn)) == len(drawn)
    assert f"{n:,} students" in note and "at random" in note
    again, _ = map_component.map_figure(xy, points, "Persona", PALETTE)
    assert np.array_equal(drawn_rows(again), drawn)  # the sample is seeded: the map does not flicker


def test_layout_has_the_map_section():
    found = set()

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "children") or hasattr(node, "id"):
            if getattr(node, "id", None):
                found.add(json.dumps(node.id, sort_keys=True) if isinstance(node.id, dict) else node.id)
            walk(getattr(node, "children", None))

    walk(full_layout("dataset", "/api/upload", 2**20))  # the shell and every tab
    assert {"student-map", "map-colour", "map-progress", "map-progress-box", "map-cancel", "map-note", "map-run",
            "map-ready", "filters", "student"} <= found


def test_map_content_draws_the_cached_layout(map_store):
    store, view, analysis = map_store
    fig, note, run_style = map_callbacks.map_content(store, view, None, None, "persona", None)
    assert np.array_equal(drawn_rows(fig), np.arange(6607)) and "6,607" in note and run_style == {"display": "none"}
    assert [t.name for t in student_points(fig.data)] == [p.name for p in sorted(analysis.personas, key=lambda p: p.id)]


def test_map_colours_by_risk_once_a_model_scores_the_dataset(map_store):
    store, view, analysis = map_store
    options, _ = map_callbacks.colour_choice(analysis, "persona")
    assert next(o for o in options if o["value"] == "risk").get("disabled")  # before a model exists
    store.fit_risk(view["dataset_id"])  # what the risk job does
    chance = map_callbacks.risk_chance(store, view, None, 70)
    assert chance.shape == (6607,) and 0 <= chance.min() and chance.max() <= 1
    options, _ = map_callbacks.colour_choice(analysis, "persona", risk=True)
    assert not next(o for o in options if o["value"] == "risk").get("disabled")
    fig, _, _ = map_callbacks.map_content(store, view, None, None, "risk", None, chance=chance)
    (trace,) = student_points(fig.data)
    assert trace.marker.colorscale == map_component.RISK_SCALE and trace.marker.cmax == 1
    rows = np.asarray(trace.customdata, dtype=int)
    assert np.allclose(trace.marker.color, chance[rows]) and "chance below pass mark: " in trace.text[0]
    # a higher pass mark puts more students at risk
    assert map_callbacks.risk_chance(store, view, None, 75).mean() > chance.mean()


def test_map_content_greys_out_the_filtered_students(map_store):
    store, view, analysis = map_store
    name = analysis.personas[0].name
    fig, note, _ = map_callbacks.map_content(store, view, {"persona": [name]}, 5, "trajectory", None)
    expected = np.flatnonzero(analysis.students["Persona"].astype(str).to_numpy() != name)
    assert np.array_equal(grey_rows(fig), expected)
    assert f"{analysis.personas[0].size:,} of 6,607 students match the filters" in note
    assert next(t for t in fig.data if t.meta == "selected").customdata[0] == 5
    assert {t.name for t in fig.data if t.meta == "students"} <= {t.name for t in analysis.trajectories}


def test_colour_choices_follow_the_columns(map_store):
    _, _, analysis = map_store
    options, value = map_callbacks.colour_choice(analysis, "persona")
    assert value is None  # keep the current choice
    usable = [o["value"] for o in options if not o.get("disabled")]
    assert usable[:3] == ["persona", "trajectory", "score"]
    assert any(o["value"] == "risk" and o.get("disabled") for o in options)
    assert map_callbacks.colour_choice(analysis, "risk")[1] == "persona"


def test_map_job_is_instant_when_the_layout_is_cached(map_store):
    store, view, _ = map_store
    reports = []
    assert map_callbacks.map_job(store, view, reports.append) == {"dataset_id": view["dataset_id"], "ok": True}
    assert reports == []
    with pytest.raises(PreventUpdate):
        map_callbacks.map_job(store, None)


def test_map_content_before_and_after_a_failed_job(map_store, kaggle_path):
    store, _, _ = map_store
    other = store.add(pd.read_csv(kaggle_path).head(50).to_csv(index=False).encode(), "fifty.csv")
    view = {"dataset_id": other, "personas": 5}
    fig, note, run_style = map_callbacks.map_content(store, view, None, None, "persona", None)
    assert "Laying out" in fig.layout.annotations[0].text and note == "" and run_style == {"display": "none"}
    failed = {"dataset_id": other, "ok": False, "error": "The map failed unexpectedly."}
    _, note, run_style = map_callbacks.map_content(store, view, None, None, "persona", failed)
    assert note == "The map failed unexpectedly." and run_style == {}
    _, note, run_style = map_callbacks.map_content(store, view, None, None, "persona", None,
                                                   frozenset({"filters", "map-cancel"}))
    assert "cancelled" in note and run_style == {}


def test_progress_labels():
    assert map_callbacks.progress_label(0, 0, "warm-up") == (100, map_callbacks.STAGES["warm-up"])
    value, text = map_callbacks.progress_label(30_000, 200_000, "transform")
    assert value == 15 and "30,000 of 200,000" in text
    assert map_callbacks.progress_label(0, 6607, "fit")[0] > 0


def test_background_manager_is_diskcache_unless_redis_is_configured(monkeypatch, tmp_path):
    from dash import DiskcacheManager

    from backend import jobs

    monkeypatch.delenv("REDIS_URL", raising=False)
    manager = jobs.background_manager(str(tmp_path))
    assert isinstance(manager, DiskcacheManager) and manager.handle.directory == str(tmp_path / "jobs")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there: creating must not connect
    monkeypatch.setattr(jobs, "_celery", None)
    assert type(jobs.background_manager(str(tmp_path))).__name__ == "CeleryManager"
    assert jobs.celery_app().conf.broker_url == "redis://127.0.0.1:1/0"


def test_the_map_is_drawn_when_the_job_ends_after_the_pass_mark_changed():
    """The renderer fires the held-back drawing callback once for every input that changed while the map job ran
    (here the pass mark, set by the view state at page load): the finished job must still draw the map."""
    from callbacks.map import skip_redraw
    from components import ids

    assert not skip_redraw(frozenset({ids.MAP_READY, ids.PASS_MARK}), "persona")
    assert not skip_redraw(frozenset({ids.MAP_READY, ids.JOBS_READY}), "persona")
    assert skip_redraw(frozenset({ids.PASS_MARK}), "persona")
    assert not skip_redraw(frozenset({ids.PASS_MARK}), "risk")
    assert skip_redraw(frozenset({ids.JOBS_READY}), "trajectory")
    assert not skip_redraw(frozenset({ids.JOBS_READY}), "outlier")


def test_a_filter_change_on_the_drawn_map_goes_out_as_a_patch_through_the_app(map_store):
    """Through Dash itself: the first draw sends the figure and its key to the map-drawn store; a filter change
    with that key in the store sends a Patch whose only operations set each student trace's selectedpoints."""
    import dash

    from callbacks import register_all
    from components import ids

    store, view, analysis = map_store
    app = dash.Dash(__name__)
    app.layout = layout(view["dataset_id"], "/api/upload", store.max_bytes)
    register_all(app, store)
    key = next(k for k in app.callback_map if f"{ids.STUDENT_MAP}.figure" in k and f"{ids.MAP_DRAWN}.data" in k
               and "@" not in k)
    spec = app.callback_map[key]
    client = app.server.test_client()

    def fire(changed: str, filters: dict | None, drawn):
        values = {ids.VIEW: view, ids.FILTERS: filters, ids.MAP_COLOUR: "persona", ids.MAP_DRAWN: drawn}
        body = {"output": key, "changedPropIds": [f"{changed}.data"],
                "outputs": [dict(zip(("id", "property"), out.split("."))) for out in key.strip(".").split("...")],
                "inputs": [{**s, "value": values.get(s["id"])} for s in spec["inputs"]],
                "state": [{**s, "value": values.get(s["id"])} for s in spec["state"]]}
        return client.post("/_dash-update-component", json=body).json["response"]

    first = fire(ids.VIEW, None, None)
    figure, drawn = first[ids.STUDENT_MAP]["figure"], first[ids.MAP_DRAWN]["data"]
    assert "data" in figure and drawn is not None  # the whole map, and what it shows apart from the filters
    name = analysis.personas[0].name
    patched = fire(ids.FILTERS, {"persona": [name]}, drawn)
    patch = patched[ids.STUDENT_MAP]["figure"]
    assert patch.get("__dash_patch_update") and "data" not in patch
    operations = patch["operations"]
    students = [i for i, t in enumerate(figure["data"]) if t.get("meta") == "students"]
    assert sorted(op["location"][1] for op in operations) == students
    assert all(op["operation"] == "Assign" and op["location"][0] == "data" and op["location"][2:] == ["selectedpoints"]
               for op in operations)
    inside = {i: op["params"]["value"] for i, op in ((op["location"][1], op) for op in operations)}
    rows = {i: np.asarray(figure["data"][i]["customdata"]) for i in students}  # None: every student of the trace
    coloured = np.sort(np.concatenate([rows[i] if inside[i] is None else rows[i][inside[i]] for i in students]))
    assert np.array_equal(coloured, np.flatnonzero(analysis.students["Persona"].astype(str).to_numpy() == name))
    assert ids.MAP_DRAWN not in patched  # the browser's map keeps its key
    assert len(json.dumps(patch)) * 5 < len(json.dumps(figure))
    # a browser that shows another map (or none) gets the whole figure
    assert "data" in fire(ids.FILTERS, {"persona": [name]}, None)[ids.STUDENT_MAP]["figure"]


def test_a_file_without_a_map_hides_the_chart_box_and_says_what_it_lacks(store, kaggle_path):
    """A file with fewer than two themes (like the OULAD tables) gets one line, not an empty 560 px map box."""
    from callbacks.map import map_content, map_style
    from components.map import MAP_HEIGHT

    frame = pd.read_csv(kaggle_path).head(300)[["Exam_Score", "Gender", "School_Type"]]
    dataset = store.add(frame.to_csv(index=False).encode(), "no-themes.csv")
    analysis = store.analysis(dataset, 5)
    assert len(analysis.themes) < 2
    assert map_style(analysis) == {"display": "none"}
    _, note, _ = map_content(store, {"dataset_id": dataset, "personas": 5}, None, None, "persona", None)
    assert note == "No student map: this file has fewer than two theme columns (such as Hours_Studied, Attendance)."
    assert map_style(store.analysis(store.add(pd.read_csv(kaggle_path).head(300).to_csv(index=False).encode(),
                                              "themes.csv"), 5)) == {"height": f"{MAP_HEIGHT}px"}
