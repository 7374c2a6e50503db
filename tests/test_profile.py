"""The profile card and the outlier table without a browser: what a click on a student shows."""
import numpy as np
from test_callbacks import text, walk

from analytics.explore import views
from callbacks import outliers, profile
from callbacks.common import keep
from callbacks.overview import kpi_content


def ids(node) -> list:
    return [c.id for c in walk(node) if not isinstance(c, str) and getattr(c, "id", None) is not None]


def test_outlier_table_lists_every_outlier_most_unusual_first(analysis):
    rows, defs, count, method, style = outliers.outlier_content(analysis)
    assert len(rows) == analysis.outliers.count and count == f"{analysis.outliers.count:,} students"
    assert "DBSCAN" in method and "knee" in method and style == {}
    assert [d["field"] for d in defs][:2] == ["row", "Persona"] and defs[-1]["headerName"] == "Why"
    gaps = [r["unusualness"] for r in rows]
    assert gaps == sorted(gaps, reverse=True)
    first = analysis.outliers.items[0]
    assert rows[0]["row"] == first.row + 2 and rows[0]["reasons"].startswith(first.details[0])


def test_outlier_table_follows_the_filters(store, analysis):
    name = views.model_names(analysis, "personas")[0]
    mask = keep(store, analysis, {"persona": [name]})
    rows, _, count, _, _ = outliers.outlier_content(analysis, mask)
    expected = int((analysis.students["Outlier"] & (analysis.students["Persona"] == name)).sum())
    assert len(rows) == expected and {r["Persona"] for r in rows} <= {name}
    assert count.endswith(f"of {analysis.outliers.count:,}")


def test_outlier_filter_and_kpi_agree(store, kaggle_id, analysis):
    only = keep(store, analysis, {"outlier": "yes"})
    assert only.sum() == analysis.outliers.count
    assert (~keep(store, analysis, {"outlier": "no"})).sum() == analysis.outliers.count
    tiles = text(kpi_content(store, {"dataset_id": kaggle_id, "personas": 5}, {"outlier": "yes"}))
    assert f"{analysis.outliers.count:,}" in tiles and "Outliers" in tiles


def test_a_click_in_either_table_names_the_spreadsheet_row():
    assert profile.chosen_row("student-table", None, {"rowId": "44"}) == 42
    assert profile.chosen_row("outlier-table", None, {"rowId": "10"}) == 8
    assert profile.chosen_row("student-map", {"points": [{"customdata": [17, "x"]}]}, None) == 17
    assert profile.chosen_row({"type": "similar-student", "row": 5}, None, None) == 5
    # a "students like this" trigger is a dict id: no grid cell applies (it once crashed the callback)
    trigger = {"type": "similar-student", "row": 5}
    assert profile.clicked_cell(trigger, {"rowId": "9"}, None, None) is None
    assert profile.clicked_cell("intervention-table", None, None, {"rowId": "12"}) == {"rowId": "12"}
    assert profile.chosen_row("intervention-table", None, {"rowId": "12"}) == 10


def test_profile_card_of_an_outlier_shows_reasons_percentiles_and_neighbours(analysis):
    item = analysis.outliers.items[0]
    body, is_open, title = profile.profile_content(analysis, item.row)
    words = text(body)
    assert is_open and title == f"Student in row {item.row + 2}"
    assert "Unusual profile" in words and item.details[0] in words
    assert "percentile" in words and "Students like this" in words
    student = analysis.students.iloc[item.row]
    assert str(student["Persona"]) in words and str(student["Trajectory"]) in words
    assert {"profile-outlier", "similar-list"} <= {i for i in ids(body) if isinstance(i, str)}
    similar_rows = [c["row"] for c in ids(body) if isinstance(c, dict) and c.get("type") == "similar-student"]
    assert len(similar_rows) == 6 and item.row not in similar_rows


def test_profile_card_of_a_typical_student_has_no_outlier_alert(analysis):
    typical = int(np.flatnonzero(~analysis.students["Outlier"].to_numpy())[0])
    body, _, _ = profile.profile_content(analysis, typical)
    assert "profile-outlier" not in ids(body) and "Unusual profile" not in text(body)
    # every uploaded column is listed with the student's value
    assert "Hours studied" in text(body) and "Exam score 6" in text(body)


def test_profile_card_for_a_row_that_does_not_exist(analysis):
    body, is_open, _ = profile.profile_content(analysis, analysis.rows + 5)
    assert is_open and "not in this dataset" in text(body)
