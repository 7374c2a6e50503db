"""Groups a school is judged on: filters for every group role, the FSM/SEN/EAL gaps with 95 % intervals and the
subject x group heat map, each number recomputed here with pandas/scipy from the file's own columns."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_callbacks import text
from test_mapping import mis_frame, table

from analytics.analysis import analyse
from analytics.explore import filters as flt
from analytics.explore import gaps, heatmap
from components.gaps import gaps_table
from components.heatmap import heatmap as heatmap_figure

CHOICES = {"subjects": [{"column": "Maths Mock", "target": 60}, {"column": "English Mock", "pass_mark": 50},
                        {"column": "Art Grade", "scale": "gcse"}]}


def school_frame() -> pd.DataFrame:
    frame = mis_frame(600, seed=5)
    frame.loc[:5, "Form"] = "7Z"  # a form of six: too small to report
    return frame


@pytest.fixture(scope="module")
def frame():
    return school_frame()


@pytest.fixture(scope="module")
def mis(frame):
    return analyse(table(frame), outliers=False, choices=CHOICES)


def marks(frame, analysis) -> dict[str, pd.Series]:
    """Each measure's points, from the file: the combined outcome, the two mocks and Art's GCSE grades."""
    art = frame["Art Grade"].map(lambda g: 0.0 if g == "U" else float(g))
    return {"Combined score": analysis.students["Combined score"], "Maths": frame["Maths Mock"].astype(float),
            "English": frame["English Mock"].astype(float), "Art": art}


def welch_interval(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    diff = a.mean() - b.mean()
    return diff - half, diff + half


GROUPS = {"Disadvantaged: FSM vs not FSM": ("FSM", "Y", "N"), "EAL vs not EAL": ("EAL", "Y", "N"),
          "SEN support (K) vs no SEN (N)": ("SEN", "K", "N"), "EHC plan (E) vs no SEN (N)": ("SEN", "E", "N")}


def check_gaps(result, frame, analysis, rows=None, threshold: int = 10):
    points = marks(frame, analysis)
    assert set(result.rows["gap"]) == set(GROUPS)
    assert len(result.rows) == len(GROUPS) * len(points)
    for row in result.rows.to_dict("records"):
        column, yes, no = GROUPS[row["gap"]]
        view = pd.Series(True, index=frame.index) if rows is None else pd.Series(rows(row["key"]), index=frame.index)
        values = points[row["measure"]]
        a = values[view & (frame[column] == yes)].dropna()
        b = values[view & (frame[column] == no)].dropna()
        assert (row["n_a"], row["n_b"]) == (len(a), len(b))
        if min(len(a), len(b)) < threshold:
            assert (row["small_a"] or row["small_b"]) and pd.isna(row["difference"]) and pd.isna(row["low"])
            continue
        assert row["difference"] == pytest.approx(a.mean() - b.mean())
        assert (row["low"], row["high"]) == pytest.approx(welch_interval(a, b))


def test_every_gap_and_interval_is_the_welch_interval_on_the_file(mis, frame):
    result = gaps.gaps(mis, threshold=10)
    assert result.missing == []
    check_gaps(result, frame, mis)
    assert list(dict.fromkeys(result.rows["measure"])) == ["Combined score", "Maths", "English", "Art"]


def test_a_gap_in_a_view_keeps_the_other_filters_and_leaves_its_own_out(mis, frame):
    filters = {"fsm": ["Y"], "form": ["10A"]}

    def keep_for(key):
        return flt.mask(mis, flt.normalise(mis, filters), ignore=(key,))

    result = gaps.gaps(mis, keep_for, threshold=10)
    in_form = (frame["Form"] == "10A").to_numpy()
    fsm = (frame["FSM"] == "Y").to_numpy()
    check_gaps(result, frame, mis, rows=lambda key: in_form if key == "fsm" else in_form & fsm)
    assert result.rows["difference"].notna().sum() >= 8  # most gaps are there to compare


def test_small_groups_get_no_figure_only_fewer_than(mis, frame):
    e_count = int((frame["SEN"] == "E").sum())
    assert 10 <= e_count < 25
    result = gaps.gaps(mis, threshold=25)
    ehc = result.rows[result.rows["gap"] == "EHC plan (E) vs no SEN (N)"]
    assert ehc["small_a"].all() and ehc["difference"].isna().all() and ehc["low"].isna().all()
    shown = text(gaps_table(result, 25))
    assert "fewer than 25" in shown and f" {e_count} " not in f" {shown} "
    others = result.rows[result.rows["gap"] != "EHC plan (E) vs no SEN (N)"]
    assert others["difference"].notna().all()


def test_a_file_without_fsm_sen_or_eal_says_what_it_lacks(kaggle):
    result = gaps.gaps(kaggle)
    assert result.rows.empty and len(result.missing) == 3
    assert any("FSM" in m for m in result.missing) and "EAL" in text(gaps_table(result, 10))


def test_references_are_target_then_pass_mark_then_median(mis, frame):
    found = {m.name: m for m in heatmap.heatmap(mis).measures}
    assert (found["Maths"].basis, found["Maths"].reference) == ("target", 60)
    assert (found["English"].basis, found["English"].reference) == ("pass mark", 50)
    assert (found["Art"].basis, found["Art"].reference) == ("pass mark", 4)  # the GCSE scale's own pass
    assert found["Combined score"].basis == "cohort median"
    assert found["Combined score"].reference == pytest.approx(mis.students["Combined score"].median())


def test_every_heat_map_cell_is_the_share_below_and_the_gap_to_the_view(mis, frame):
    result = heatmap.heatmap(mis, threshold=10)
    points = marks(frame, mis)
    refs = {"Combined score": mis.students["Combined score"].median(), "Maths": 60, "English": 50, "Art": 4}
    columns = {"year_group": "Year Group", "form": "Form", "fsm": "FSM", "sen": "SEN", "eal": "EAL",
               "gender": "Gender"}
    assert [k for k in dict.fromkeys(key for key, _, _ in result.rows)] == list(columns)
    assert [v for k, v, _ in result.rows if k == "year_group"] == ["7", "8", "9", "10", "11"]
    assert len(result.cells) == len(result.rows) * len(points)
    for cell in result.cells.to_dict("records"):
        values = points[cell["measure"]]
        group = values[frame[columns[cell["key"]]].astype(str) == cell["value"]].dropna()
        assert cell["n"] == len(group)
        if len(group) < 10:
            assert cell["suppressed"] and math.isnan(cell["below"]) and math.isnan(cell["gap"])
            continue
        assert cell["below"] == pytest.approx((group < refs[cell["measure"]]).mean())
        assert cell["gap"] == pytest.approx(group.mean() - values.dropna().mean())


def test_a_heat_map_row_block_leaves_its_own_filter_out(mis, frame):
    filters = flt.normalise(mis, {"fsm": ["Y"], "gender": ["F"]})
    result = heatmap.heatmap(mis, lambda key: flt.mask(mis, filters, ignore=(key,)), threshold=10)
    cells = result.cells.set_index(["key", "value", "measure"])
    maths = frame["Maths Mock"].astype(float)
    girls, fsm = frame["Gender"] == "F", frame["FSM"] == "Y"
    no_fsm = cells.loc[("fsm", "N", "Maths")]  # the FSM rows: girls of either FSM value
    assert no_fsm["n"] == (girls & ~fsm).sum()
    assert no_fsm["gap"] == pytest.approx(maths[girls & ~fsm].mean() - maths[girls].mean())
    year7 = cells.loc[("year_group", "7", "Maths")]  # every other block: FSM girls only
    in_view = girls & fsm
    assert year7["n"] == (in_view & (frame["Year Group"] == 7)).sum()
    assert year7["below"] == pytest.approx((maths[in_view & (frame["Year Group"] == 7)] < 60).mean())


def test_the_heat_map_figure_hides_small_groups_and_says_which_reference(mis):
    result = heatmap.heatmap(mis, threshold=10)
    fig = heatmap_figure(result, 10, {"fsm": ["Y"]})
    data = fig.data[0]
    labels = [row for _, _, row in result.rows]
    small = labels.index("Form: 7Z")
    assert all(z is None for z in data.z[small]) and set(data.text[small]) == {"&lt;10"}
    assert all("fewer than 10" in c[3] and "6 students" not in c[3] for c in data.customdata[small])
    maths = [m.name for m in result.measures].index("Maths")
    year7 = labels.index("Year: 7")
    assert "below the subject's target (60)" in data.customdata[year7][maths][3]
    assert "below the cohort median" in data.customdata[year7][0][3]
    assert data.customdata[year7][maths][:3] == ["year_group", "7", "Maths"]
    assert "<b>FSM: Y</b>" in fig.layout.yaxis.ticktext and "Year: 7" in fig.layout.yaxis.ticktext
    assert data.y[year7] == '["year_group", "7"]'  # what a click sends back


def test_group_filters_for_every_role_and_their_address(mis, frame):
    assert {k: flt.group_column(mis, k) for k in flt.GROUP_KEYS} == {
        "year_group": "Year Group", "form": "Form", "teacher": "Teacher", "gender": "Gender", "fsm": "FSM",
        "sen": "SEN", "eal": "EAL", "school": None}
    f = flt.normalise(mis, {"fsm": ["Y"], "sen": ["K", "E", "Z"], "year_group": ["9"], "school": ["Public"]})
    assert f == {"year_group": ["9"], "fsm": ["Y"], "sen": ["K", "E"]}
    expected = (frame["FSM"] == "Y") & frame["SEN"].isin(["K", "E"]) & (frame["Year Group"] == 9)
    assert np.array_equal(flt.mask(mis, f), expected.to_numpy()) and 0 < expected.sum()
    query = flt.to_query("d" * 24, 5, f)
    assert "fsm=Y" in query and "sen=K&sen=E" in query and flt.from_query(query)[2] == f
    assert dict(flt.chips(f))["fsm"] == "Disadvantaged (FSM): Y"


def test_the_kaggle_file_keeps_its_gender_and_school_filters(kaggle):
    f = flt.normalise(kaggle, {"gender": ["Female"], "school": ["Public"], "fsm": ["Y"]})
    assert f == {"gender": ["Female"], "school": ["Public"]}
    result = heatmap.heatmap(kaggle)
    assert {key for key, _, _ in result.rows} == {"gender"} and [m.name for m in result.measures] == ["Exam_Score"]
