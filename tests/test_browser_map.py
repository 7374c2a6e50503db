"""The student map in headless Chromium: every demo student drawn, a click on a dot opens that student, an
uploaded file's map appears and greys the students a filter leaves out.

These tests wait for the session's map worker (UMAP compiled once in its own process): pytest runs them last
(conftest's `warm_map` ordering), so the warm-up overlaps every other test module."""
import pytest
from test_browser import (PLOT, browser, click, click_css, click_slice, downloads, goto, loaded,  # noqa: F401
                          open_tab, pytestmark, server, slice_of, students, text, upload, wait_for)

from components import ids

pytestmark = [*pytestmark, pytest.mark.warm_map]


MAP_POINTS = ("const p = document.querySelector('#student-map .js-plotly-plot'); if (!p || !p._fullData) return 0; "
              "return p._fullData.filter(t => t.meta === 'students' || t.meta === 'outside')"
              ".reduce((n, t) => n + t._length, 0);")


def test_student_map_draws_every_demo_student(server, browser):  # noqa: F811
    goto(browser, server, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    # The session's map worker (warmed up while other tests ran) lays out the demo in seconds.
    wait_for(browser, lambda d: d.execute_script(MAP_POINTS) == 2000, timeout=240, what="2,000 points on the map")
    assert "2,000 students" in text(browser, ids.MAP_NOTE)
    wait_for(browser, lambda d: not d.find_element("id", ids.MAP_PROGRESS_BOX).is_displayed(), what="progress bar gone")


# The most isolated student of the map's 'students' trace, in screen pixels, so a click cannot hit a neighbour.
ISOLATED_POINT = """
const gd = document.querySelector('#student-map .js-plotly-plot');
const t = gd._fullData.find(t => t.meta === 'students');
const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
const px = t.x.map(v => xa._offset + xa.l2p(v)), py = t.y.map(v => ya._offset + ya.l2p(v));
let best = -1, bestGap = -1;
for (let i = 0; i < px.length; i++) {
  if (px[i] < xa._offset + 10 || px[i] > xa._offset + xa._length - 10) continue;
  if (py[i] < ya._offset + 10 || py[i] > ya._offset + ya._length - 10) continue;
  let gap = Infinity;
  for (let j = 0; j < px.length; j++) if (j !== i) gap = Math.min(gap, Math.hypot(px[i] - px[j], py[i] - py[j]));
  if (gap > bestGap) { bestGap = gap; best = i; }
}
const box = gd.getBoundingClientRect();
const row = Array.isArray(t.customdata[best]) ? t.customdata[best][0] : t.customdata[best];
return [row, px[best] - box.width / 2, py[best] - box.height / 2, bestGap];
"""
NEIGHBOUR_RING = ("const gd = document.querySelector('#student-map .js-plotly-plot'); "
                  "const t = gd && gd._fullData.find(t => t.name === 'Most similar students'); return t ? t._length : 0;")


def test_click_a_map_point_opens_that_student(server, browser):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains

    goto(browser, server, "explore")
    wait_for(browser, lambda d: d.execute_script(MAP_POINTS) == 2000, timeout=240, what="2,000 points on the map")
    graph = browser.find_element("css selector", "#student-map .js-plotly-plot")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", graph)
    row, dx, dy, gap = browser.execute_script(ISOLATED_POINT)
    assert gap > 4, "no student stands apart enough on the map to click reliably"
    ActionChains(browser).move_to_element_with_offset(graph, int(round(dx)), int(round(dy))).pause(0.4) \
        .click().perform()
    wait_for(browser, lambda d: text(d, ids.PROFILE_ROW) == f"Row {row + 2}", what="profile card of the clicked dot")
    # the card slides in: read it once the whole card is laid out (its headings are upper-cased by CSS)
    wait_for(browser, lambda d: "students like this" in text(d, ids.PROFILE_BODY).lower(), what="whole card shown")
    assert "percentile" in text(browser, ids.PROFILE_BODY)
    wait_for(browser, lambda d: d.execute_script(NEIGHBOUR_RING) == 6, what="students like this ringed on the map")
    # the prediction part of the card loads after the rest; once it is there the card stops moving
    wait_for(browser, lambda d: "chance of ending below" in text(d, ids.PROFILE_RISK), what="prediction on the card")
    # one of "students like this" opens in turn
    other = browser.find_element("css selector", "#similar-list .similar-item .similar-row").text
    click_css(browser, "#similar-list .similar-item", "a similar student")
    wait_for(browser, lambda d: text(d, ids.PROFILE_ROW) == other, what="a similar student opens")


GREY_POINTS = ("const p = document.querySelector('#student-map .js-plotly-plot'); if (!p || !p.data) return -1; "
               "return p.data.filter(t => t.meta === 'students').reduce((n, t) => n + (t.selectedpoints ? "
               "t.customdata.length - t.selectedpoints.length : 0), 0);")


def test_the_map_draws_after_an_upload_and_follows_the_filters(server, browser, kaggle_path):  # noqa: F811
    """The map of an uploaded file appears (the held-back draw callback redraws once its job is done), and a
    persona click greys the other students by a Patch: the same points, only their selection changes."""
    goto(browser, server, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    upload(browser, kaggle_path)
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "6,607 students", what="Kaggle file loaded")
    wait_for(browser, lambda d: d.execute_script(MAP_POINTS) == 6607, timeout=300, what="6,607 points on the map")
    assert browser.execute_script(GREY_POINTS) == 0
    open_tab(browser, "overview")  # the persona is picked on the Overview; the map, drawn anew, follows it
    wait_for(browser, lambda d: students(d, ids.PERSONA_DONUT) == 6607, what="the Kaggle personas")
    _, size = slice_of(browser, ids.PERSONA_DONUT, 1)
    click_slice(browser, ids.PERSONA_DONUT, 1)
    loaded(browser, f"{size:,}", "one persona")
    open_tab(browser, "explore")
    wait_for(browser, lambda d: d.execute_script(GREY_POINTS) == 6607 - size, what="the other personas grey")
    assert browser.execute_script(MAP_POINTS) == 6607 and f"{size:,} of 6,607 students" in text(browser, ids.MAP_NOTE)
    browser.execute_script("document.querySelector('#student-map .js-plotly-plot').data.forEach(t => t.__kept = 1);")
    click(browser, "//*[@id='filters-clear']")
    wait_for(browser, lambda d: d.execute_script(GREY_POINTS) == 0, what="no student grey once cleared")
    assert browser.execute_script(MAP_POINTS) == 6607
    # patched in place: the traces the browser drew before the change are still there
    kept = "return document.querySelector('#student-map .js-plotly-plot').data.filter(t => t.__kept).length;"
    assert browser.execute_script(kept) > 0
