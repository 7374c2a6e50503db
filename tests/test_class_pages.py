"""The class report: one page per class of a year group (or the whole view), each class's lists recomputed here
with pandas, page breaks between classes, names escaped, and the link in the Classes section."""
import re

import numpy as np
import pytest

from analytics.ingest.school import generate_school


@pytest.fixture(scope="module")
def school(store):
    frame = generate_school(500, 11)
    frame.loc[0, "Student Name"] = "<b>Bold</b>"
    return frame, store.add(frame.to_csv(index=False).encode(), "oak.csv")


def test_one_page_per_class_of_the_year_group(store, school):
    from callbacks.class_pages import page

    frame, dataset = school
    body, status = page(store, f"?dataset={dataset}&personas=5&year_group=10", "/")
    assert status == 200
    year = frame[frame["Year Group"] == 10]
    forms = sorted(year["Form"].astype(str).unique())
    assert re.findall(r'<section class="class-page" data-class="([^"]+)">', body) == forms
    assert ".class-page+.class-page{break-before:page}" in body and "@page{size:A4" in body
    sections = body.split('<section class="class-page"')[1:]
    for form, section in zip(forms, sections):
        members = year[year["Form"].astype(str) == form]
        assert f"{len(members):,} students" in section
        bar = np.nanquantile(frame["Maths Mock"], 0.25)  # a percentage without a pass mark: the cohort's quarter
        marks = members["Maths Mock"]
        below = int((marks < bar).sum())
        assert f"Maths: {below:,} of {int(marks.notna().sum()):,} with a mark" in section
        # nobody of another class is listed on this class's page
        others = frame.loc[frame["Form"].astype(str) != form, "UPN"]
        assert not any(upn in section for upn in others.head(50))


def test_whole_view_has_every_class_and_names_are_escaped(store, school):
    from callbacks.class_pages import page

    frame, dataset = school
    body, status = page(store, f"?dataset={dataset}&personas=5", "/")
    assert status == 200 and body.count('<section class="class-page"') == frame["Form"].nunique()
    assert "<b>Bold</b>" not in body
    missing, status = page(store, "?dataset=abc123&personas=5", "/")
    assert status == 404 and "upload the file again" in missing


def test_a_file_without_classes_says_so(store, kaggle_bytes):
    from callbacks.class_pages import page

    dataset = store.add(kaggle_bytes, "kaggle.csv")
    body, status = page(store, f"?dataset={dataset}&personas=5", "/")
    assert status == 200 and "no form or teacher column" in body


def test_the_classes_section_links_to_the_class_report():
    from components import ids
    from components.layout import classes_section

    def ids_in(node):
        children = getattr(node, "children", None)
        children = children if isinstance(children, (list, tuple)) else [children] if children is not None else []
        return [getattr(node, "id", None)] + [i for c in children if not isinstance(c, str) for i in ids_in(c)]

    assert ids.CLASS_PAGES_LINK in ids_in(classes_section())
