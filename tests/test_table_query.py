"""The student table's server-side filters, sort and pages, checked against plain pandas on the Kaggle file;
and the CSV writer's formula neutralising."""
import numpy as np
import pandas as pd

from analytics.explore import export, table_query, views


def shown(kaggle, where, column):
    return views.table_frame(kaggle, positions=where)[column].tolist()


def test_no_query_is_every_student_in_file_order(kaggle):
    assert np.array_equal(table_query.positions(kaggle), np.arange(6607))
    keep = np.zeros(6607, dtype=bool)
    keep[[5, 1, 9]] = True
    assert table_query.positions(kaggle, keep).tolist() == [1, 5, 9]


def test_text_filters_match_case_insensitively_on_categories(kaggle):
    students = kaggle.students
    persona = str(students["Persona"].iloc[0])
    word = persona.split()[0].upper()
    where = table_query.positions(kaggle, filter_model={"Persona": {"filterType": "text", "type": "contains",
                                                                     "filter": word}})
    expected = students["Persona"].astype(str).str.lower().str.contains(word.lower())
    assert np.array_equal(where, np.flatnonzero(expected))
    either = {"filterType": "text", "operator": "OR", "conditions": [
        {"type": "equals", "filter": "public"}, {"type": "startsWith", "filter": "PRIV"}]}
    assert len(table_query.positions(kaggle, filter_model={"School_Type": either})) == 6607
    outliers = table_query.positions(kaggle, filter_model={"Outlier": {"filterType": "text", "type": "equals",
                                                                       "filter": "yes"}})
    assert np.array_equal(outliers, np.flatnonzero(students["Outlier"].to_numpy()))


def test_blank_and_number_filters(kaggle):
    students = kaggle.students
    cells = pd.Series(["a", None, " ", "b"], dtype="category")
    assert table_query.matches(cells, {"filterType": "text", "type": "blank"}).tolist() == [False, True, True, False]
    assert table_query.matches(cells, {"filterType": "text", "type": "notEqual", "filter": "A"}).tolist() == \
        [False, True, True, True]  # a blank cell is "not equal", as in the grid
    numbers = pd.Series([1.0, None, 3.0])
    assert table_query.matches(numbers, {"filterType": "number", "type": "notBlank"}).tolist() == [True, False, True]
    between = {"filterType": "number", "type": "inRange", "filter": 60, "filterTo": 70}
    where = table_query.positions(kaggle, filter_model={"Exam_Score": between})
    assert np.array_equal(where, np.flatnonzero((students["Exam_Score"] > 60) & (students["Exam_Score"] < 70)))
    both = {"filterType": "number", "operator": "AND", "conditions": [
        {"type": "greaterThan", "filter": 10}, {"type": "lessThanOrEqual", "filter": 12}]}
    where = table_query.positions(kaggle, filter_model={"Hours_Studied": both})
    assert set(shown(kaggle, where, "Hours_Studied")) == {11, 12}
    half_typed = {"filterType": "number", "type": "equals", "filter": None}
    assert len(table_query.positions(kaggle, filter_model={"Exam_Score": half_typed})) == 6607
    # The row number filters as the table shows it: spreadsheet row 2 is data row 0.
    first = table_query.positions(kaggle, filter_model={"row": {"filterType": "number", "type": "equals",
                                                                "filter": 2}})
    assert first.tolist() == [0]


def test_sort_by_two_columns_then_row_with_blanks_first(kaggle):
    students = kaggle.students
    where = table_query.positions(kaggle, sort_model=[{"colId": "Teacher_Quality", "sort": "asc"},
                                                      {"colId": "Exam_Score", "sort": "desc"}])
    frame = students.iloc[where]
    assert frame["Teacher_Quality"].astype(str).is_monotonic_increasing  # High, Low, Medium: as text, as the grid
    for _, group in frame.groupby("Teacher_Quality", observed=True):
        assert group["Exam_Score"].is_monotonic_decreasing
        for _, ties in group.groupby("Exam_Score"):
            assert ties["row"].is_monotonic_increasing  # so pages never overlap
    keys = table_query._sort_key(pd.Series([2.0, None, 1.0]))
    assert np.argsort(keys, kind="stable").tolist() == [1, 2, 0]  # blanks first when ascending
    by_row = table_query.positions(kaggle, sort_model=[{"colId": "Persona", "sort": "desc"}])
    names = students["Persona"].astype(str).to_numpy()[by_row]
    assert list(names) == sorted(names, key=str.lower, reverse=True)


def test_unknown_columns_in_the_grid_query_are_ignored(kaggle):
    where = table_query.positions(kaggle, filter_model={"z_Attendance": {"filterType": "number", "type": "equals",
                                                                          "filter": 0}},
                                  sort_model=[{"colId": "nope", "sort": "asc"}])
    assert len(where) == 6607


def test_page_is_a_slice_of_the_order(kaggle):
    where = table_query.positions(kaggle, sort_model=[{"colId": "Exam_Score", "sort": "desc"}])
    page = table_query.page(kaggle, where, 100, 200)
    assert len(page) == 100 and page["row"].tolist() == (where[100:200] + 2).tolist()
    assert len(table_query.page(kaggle, where, 6600, 6700)) == 7


def test_csv_neutralises_formulas_in_text_but_not_numbers():
    frame = pd.DataFrame({"name": ["=1+1", "+cmd", "-x", "@SUM(A1)", "\tTab", "plain", None],
                          "score": [-3, 1, 2, 3, 4, 5, 6]})
    text = export.to_csv(frame, ["Name", "=Score"])
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == '"Name","\'=Score"'
    assert lines[1] == '"\'=1+1",-3' and lines[2].startswith('"\'+cmd"') and lines[3].startswith('"\'-x"')
    assert lines[4].startswith('"\'@SUM(A1)"') and lines[5].startswith('"\'\tTab"') and lines[6] == '"plain",5'
    assert lines[7] == '"",6'
