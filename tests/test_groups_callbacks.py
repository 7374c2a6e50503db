"""Groups without a browser: a heat-map cell click sets the group filter, the FSM/SEN/EAL dropdowns change the
view, and every group panel follows the filters."""
import numpy as np
import pytest
from test_callbacks import text
from test_groups import school_frame

from analytics.explore import filters as flt
from callbacks import breakdowns, filters, groups
from callbacks.common import keep
from callbacks.context import request
from callbacks.overview import kpi_content
from components import ids


@pytest.fixture(scope="module")
def frame():
    return school_frame()


@pytest.fixture(scope="module")
def mis_id(store, frame):
    return store.add(frame.to_csv(index=False).encode(), "school.csv")


@pytest.fixture(scope="module")
def mis(store, mis_id):
    return store.analysis(mis_id, 5)


def run(store, trigger, dataset_id, current=None, controls=None, clicks=None, search="", mark=None, subject=None):
    return filters.sync(store, trigger, search, dataset_id, 5, None, current or {}, controls or {}, None,
                        clicks or {}, mark, subject)


def view(dataset_id):
    return {"dataset_id": dataset_id, "personas": 5}


def cell_click(fig, row_label: str, measure: str) -> dict:
    """What dcc.Graph sends for a heat-map cell: x, y, z and the curve, without customdata (a heat map's point
    number is a pair, which dcc.Graph cannot look customdata up with)."""
    data = fig.data[0]
    y = [label.replace("<b>", "").replace("</b>", "") for label in fig.layout.yaxis.ticktext]
    i, j = y.index(row_label), list(data.x).index(measure)
    return {"points": [{"x": measure, "y": data.y[i], "z": data.z[i][j], "curveNumber": 0}]}


def test_a_heat_map_click_sets_the_group_filter_and_a_second_clears_it(store, mis_id, mis, frame):
    fig, style, _ = groups.heatmap_panel(request(store, view(mis_id)))
    assert style == {}
    click = cell_click(fig, "FSM: Y", "Maths")
    out = run(store, ids.GROUP_HEATMAP, mis_id, clicks={ids.GROUP_HEATMAP: click})
    assert out["filters"] == {"fsm": ["Y"]} and "fsm=Y" in out["search"]
    assert out["values"]["fsm"] == ["Y"]  # the FSM dropdown follows the click
    fsm = int((frame["FSM"] == "Y").sum())
    assert keep(store, mis, out["filters"]).sum() == fsm
    assert f"{fsm:,}" in text(kpi_content(store, view(mis_id), out["filters"]))
    again = run(store, ids.GROUP_HEATMAP, mis_id, current=out["filters"], clicks={ids.GROUP_HEATMAP: click})
    assert again["filters"] == {}
    reopened = run(store, ids.URL, "another", search=out["search"])
    assert reopened["filters"] == {"fsm": ["Y"]} and reopened["dataset_id"] == mis_id


def test_a_clicked_group_is_bold_and_the_other_panels_follow(store, mis_id, frame):
    everyone = request(store, view(mis_id))
    fsm = request(store, view(mis_id), filters={"fsm": ["Y"]})
    fig, _, _ = groups.heatmap_panel(fsm)
    assert "<b>FSM: Y</b>" in fig.layout.yaxis.ticktext
    before, after = text(groups.gaps_panel(everyone)), text(groups.gaps_panel(fsm))
    assert before != after
    # the SEN rows now count FSM students only; the FSM gap itself keeps both groups
    k_fsm = int(((frame["SEN"] == "K") & (frame["FSM"] == "Y")).sum())
    assert f" {k_fsm} " in f" {after} " and f" {int((frame['FSM'] == 'N').sum())} " in f" {after} "


def test_fsm_sen_and_eal_dropdowns_change_the_view(store, mis_id, mis, frame):
    controls = dict.fromkeys(filters.KEYS, [])
    controls.update(score=None, outlier="all", fsm=["Y"], sen=["K", "E"], eal=["N"])
    out = run(store, ids.FILTER_CONTROLS["sen"][0], mis_id, controls=controls)
    assert out["filters"] == {"fsm": ["Y"], "sen": ["K", "E"], "eal": ["N"]}
    expected = (frame["FSM"] == "Y") & frame["SEN"].isin(["K", "E"]) & (frame["EAL"] == "N")
    assert np.array_equal(keep(store, mis, out["filters"]), expected.to_numpy()) and expected.sum() > 0
    for key in ("sen", "eal", "fsm"):
        assert out["search"].count(f"{key}=") == len(out["filters"][key])


def test_group_dropdowns_show_only_for_the_roles_a_file_has(mis, analysis):
    school = filters.options(mis)
    assert [o["value"] for o in school["options"]["sen"]] == ["N", "K", "E"]
    assert {v["value"] for v in school["options"]["year_group"]} == {"7", "8", "9", "10", "11"}
    assert all(school["styles"][k] == {} for k in ("year_group", "form", "teacher", "fsm", "sen", "eal"))
    assert school["styles"]["school"] == {"display": "none"}
    kaggle = filters.options(analysis)
    assert all(kaggle["styles"][k] == {"display": "none"} for k in ("year_group", "form", "fsm", "sen", "eal"))
    assert kaggle["styles"]["gender"] == {} and kaggle["styles"]["school"] == {}


def test_the_by_group_breakdown_click_sets_that_group(store, mis_id, mis, frame):
    assert [o["value"] for o in breakdowns.group_choices(mis)] == ["year_group", "form", "teacher", "fsm", "sen",
                                                                    "eal"]
    fig, *_ = breakdowns.breakdown_panel(mis, "sen", "percent", None, 10)
    bar = fig.data[0]
    assert all(c[-1] == "sen" for c in bar.customdata)
    group, segment = bar.customdata[0][0], bar.customdata[0][1]
    out = run(store, ids.GROUP_BREAKDOWN, mis_id,
              clicks={ids.GROUP_BREAKDOWN: {"points": [{"customdata": bar.customdata[0]}]}})
    assert out["filters"]["sen"] == [group] and segment in out["filters"].get("persona", []) + \
        out["filters"].get("trajectory", [])
    assert flt.mask(mis, out["filters"]).sum() > 0


def test_the_kaggle_file_gets_gender_rows_and_is_told_it_lacks_fsm_sen_eal(store, kaggle_id):
    fig, style, said = groups.heatmap_panel(request(store, view(kaggle_id)))
    assert style == {} and "Gender: Female" in fig.layout.yaxis.ticktext  # the Kaggle file: gender rows, exam score column
    assert "No Disadvantaged (FSM) column" in text(groups.gaps_panel(request(store, view(kaggle_id))))


def test_a_subject_cell_also_picks_that_subject_and_an_outcome_cell_keeps_the_choice(store, mis_id):
    fig, _, _ = groups.heatmap_panel(request(store, view(mis_id)))
    out = run(store, ids.GROUP_HEATMAP, mis_id, clicks={ids.GROUP_HEATMAP: cell_click(fig, "SEN: K", "Maths")},
              mark=55)
    assert out["filters"] == {"sen": ["K"]} and out["subject"] == "Maths" and out["mark"] is None
    assert "subject=Maths" in out["search"] and "pass_mark" not in out["search"]
    outcome = fig.data[0].x[0]
    again = run(store, ids.GROUP_HEATMAP, mis_id, current=out["filters"], subject="Maths",
                clicks={ids.GROUP_HEATMAP: cell_click(fig, "EAL: Y", outcome)})
    assert again["filters"] == {"sen": ["K"], "eal": ["Y"]} and "subject=Maths" in again["search"]
