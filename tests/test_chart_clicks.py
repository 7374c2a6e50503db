"""Clicks on the persona radar and the score boxes filter the view, with the clickData those charts really send.

dcc.Graph fills a point's `customdata` from the figure: `customdata[pointNumber]` when plotly reports a point
number (a radar marker; a box, whose hover points carry the box's index, 0), and the trace's whole customdata
list when it reports none on a trace drawn with lines (the radar's filled area). The labels a box sends are the
wrapped names on the axis, so the filter must come from customdata, never from the label."""
import numpy as np
import pytest

from analytics.explore import filters as flt
from analytics.results import PERSONA
from callbacks import personas
from callbacks.clicks import clicked


def radar_marker_click(fig, trace: int, point: int) -> dict:
    t = fig.data[trace]
    return {"points": [{"curveNumber": trace, "pointNumber": point, "pointIndex": point, "r": t.r[point],
                        "theta": t.theta[point], "customdata": t.customdata[point]}]}


def radar_fill_click(fig, trace: int) -> dict:
    return {"points": [{"curveNumber": trace, "customdata": list(fig.data[trace].customdata)}]}


def box_click(fig, trace: int) -> dict:
    t = fig.data[trace]
    return {"points": [{"curveNumber": trace, "pointNumber": 0, "pointIndex": 0, "x": t.median[0], "y": t.y[0],
                        "customdata": t.customdata[0]}]}


@pytest.fixture(scope="module")
def charts(kaggle):
    boxes = personas.persona_panels(kaggle)[4]
    return personas.radar(kaggle, personas.ALL), boxes


def in_persona(analysis, name) -> np.ndarray:
    return (analysis.students[PERSONA].astype(str) == name).to_numpy()


def view(analysis, filters) -> np.ndarray:
    return flt.mask(analysis, flt.normalise(analysis, filters))


@pytest.mark.parametrize("trace", [0, 3])
def test_a_radar_marker_click_filters_to_that_persona_and_a_second_clears_it(kaggle, charts, trace):
    radar, _ = charts
    click = radar_marker_click(radar, trace, 2)
    name = radar.data[trace].customdata[0]
    chosen = clicked({}, "persona-radar", click, kaggle)
    assert chosen == {"persona": [name]}
    kept = view(kaggle, chosen)
    assert np.array_equal(kept, in_persona(kaggle, name)) and 0 < kept.sum() < kaggle.rows
    assert clicked(chosen, "persona-radar", click, kaggle) == {}


def test_a_click_on_a_radar_area_filters_like_its_marker(kaggle, charts):
    radar, _ = charts
    name = radar.data[1].customdata[0]
    assert clicked({}, "persona-radar", radar_fill_click(radar, 1), kaggle) == {"persona": [name]}


def test_a_radar_click_replaces_another_persona_and_keeps_other_filters(kaggle, charts):
    radar, _ = charts
    first, second = radar.data[0].customdata[0], radar.data[4].customdata[0]
    start = {"persona": [first], "gender": ["Female"]}
    chosen = clicked(start, "persona-radar", radar_marker_click(radar, 4, 0), kaggle)
    assert chosen == {"persona": [second], "gender": ["Female"]}
    female = (kaggle.students["Gender"] == "Female").to_numpy()
    assert np.array_equal(view(kaggle, chosen), in_persona(kaggle, second) & female)


def test_a_score_box_click_filters_by_the_full_name_not_the_wrapped_label(kaggle, charts):
    _, boxes = charts
    wrapped = [i for i, t in enumerate(boxes.data) if "<br>" in t.y[0]]
    assert wrapped, "no persona name is long enough to wrap on the score chart"
    trace = wrapped[0]
    name = boxes.data[trace].customdata[0]
    click = box_click(boxes, trace)
    chosen = clicked({}, "score-distribution", click, kaggle)
    assert chosen == {"persona": [name]} and flt.normalise(kaggle, chosen) == chosen
    scores = kaggle.students["Exam_Score"].to_numpy()
    kept = view(kaggle, chosen)
    assert np.array_equal(kept, in_persona(kaggle, name))
    assert np.median(scores[kept]) == pytest.approx(boxes.data[trace].median[0])  # the box clicked is the view
    assert clicked(chosen, "score-distribution", click, kaggle) == {}


def test_every_score_box_filters_to_its_own_persona(kaggle, charts):
    _, boxes = charts
    sizes = [int(view(kaggle, clicked({}, "score-distribution", box_click(boxes, i), kaggle)).sum())
             for i in range(len(boxes.data))]
    assert sorted(sizes) == sorted(p.size for p in kaggle.personas)


def test_a_click_that_carries_no_point_changes_nothing(kaggle):
    start = {"gender": ["Male"]}
    assert clicked(start, "persona-radar", {"points": []}, kaggle) == start
    assert clicked(start, "score-distribution", None, kaggle) == start
