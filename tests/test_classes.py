"""The classes panel and the class view: counts recomputed with pandas; each class opens as its own view."""
import numpy as np
import pandas as pd
from test_mapping import mis_frame, table

from analytics.analysis import analyse
from analytics.explore.classes import class_rows
from analytics.explore import filters as flt
from callbacks.classes import classes_panel


def test_each_form_has_its_teacher_size_and_count_below_each_bar():
    frame = mis_frame(400)
    result = analyse(table(frame), outliers=False, choices={"subjects": [
        {"column": "Maths Mock", "name": "Maths", "scale": "percentage", "pass_mark": 45},
        {"column": "English Mock", "name": "English", "scale": "percentage"}]})
    rows = class_rows(result).set_index("class")
    for form, group in frame.groupby("Form"):
        assert rows.loc[form, "students"] == len(group)
        assert rows.loc[form, "teacher"] == ", ".join(sorted(set(group["Teacher"])))
        assert rows.loc[form, "Maths below"] == int((group["Maths Mock"] < 45).sum())
        bar = np.nanquantile(frame["English Mock"], 0.25)
        assert rows.loc[form, "English below"] == int((group["English Mock"] < bar).sum())
    assert rows["progress"].notna().all() and rows["on_track"].between(0, 1).all()


def test_a_class_opens_as_its_own_view_with_a_banner_and_print_link(store):
    frame = mis_frame(300)
    dataset = store.add(frame.to_csv(index=False).encode(), "oak.csv")
    view = {"dataset_id": dataset, "personas": 5}
    table_, banner, style = classes_panel(store, view, {}, "", "/")
    assert style == {} or style.get("display") != "none"
    assert banner is None
    text = str(table_)
    link = flt.to_query(dataset, 5, {"form": ["10B"]})
    assert f"'/{link}'" in text and f"'/print/class-list{link}'" in text
    _, banner, _ = classes_panel(store, view, {"form": ["10B"]}, "", "/")
    shown = str(banner)
    assert "Class view: Form 10B" in shown and f"{(frame['Form'] == '10B').sum():,} students" in shown
    assert f"/print/class-list{link}" in shown
    # opened from the Subjects tab, a class and "back to everyone" stay on it
    table_, banner, _ = classes_panel(store, view, {"form": ["10B"]}, "", "/", "subjects")
    assert f"'/subjects{link}'" in str(table_) and f"'/subjects{flt.to_query(dataset, 5, {})}'" in str(banner)


def test_a_file_without_classes_hides_the_panel(store, kaggle_bytes):
    dataset = store.add(kaggle_bytes, "kaggle.csv")
    table_, banner, style = classes_panel(store, {"dataset_id": dataset, "personas": 5}, {}, "", "/")
    assert table_ is None and banner is None and style == {"display": "none"}
    assert isinstance(pd.DataFrame(), pd.DataFrame)
