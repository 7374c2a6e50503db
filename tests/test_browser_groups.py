"""In headless Chromium: a school's file shows its groups; a click on a heat-map cell filters every panel."""
from test_browser import browser, downloads, goto, loaded, pytestmark, server, text, upload, wait_for  # noqa: F401
from test_groups import school_frame

from components import ids

# where a heat-map cell sits, from the centre of the plot (ActionChains offsets are from an element's centre)
CELL = """
const gd = document.querySelector('#group-heatmap .js-plotly-plot');
if (!gd || !gd._fullLayout || !gd.data || !gd.data[0] || gd.data[0].type !== 'heatmap') return null;
const rows = gd.layout.yaxis.ticktext.map(y => y.replace(/<\\/?b>/g, ''));
const i = rows.indexOf(arguments[0]), j = gd.data[0].x.indexOf(arguments[1]);
if (i < 0 || j < 0) return null;
const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
return [xa._offset + xa.l2p(j) - box.width / 2, ya._offset + ya.l2p(i) - box.height / 2];
"""


def test_a_heat_map_cell_click_filters_the_table_and_the_gaps_follow(server, browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains

    frame = school_frame()
    path = tmp_path / "school.csv"
    frame.to_csv(path, index=False)
    goto(browser, server, "subjects")
    loaded(browser, "2,000", "demo loaded")
    upload(browser, path)
    loaded(browser, "600", "school file loaded")
    wait_for(browser, lambda d: d.execute_script(CELL, "FSM: Y", "Maths") is not None, what="heat map drawn")
    wait_for(browser, lambda d: "EHC plan (E)" in text(d, ids.GAPS_TABLE), what="gaps table")
    before = text(browser, ids.GAPS_TABLE)

    graph = browser.find_element("css selector", "#group-heatmap .js-plotly-plot")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", graph)
    dx, dy = browser.execute_script(CELL, "FSM: Y", "Maths")
    ActionChains(browser).move_to_element_with_offset(graph, int(round(dx)), int(round(dy))).pause(0.3) \
        .click().perform()
    fsm = int((frame["FSM"] == "Y").sum())
    loaded(browser, f"{fsm:,}", "filtered to FSM")
    assert "fsm=Y" in browser.current_url and "Disadvantaged (FSM): Y" in text(browser, ids.FILTER_CHIPS)
    wait_for(browser, lambda d: text(d, ids.GAPS_TABLE) not in ("", before), what="gaps follow the filter")
    wait_for(browser, lambda d: d.execute_script(
        "return document.querySelector('#group-heatmap .js-plotly-plot').layout.yaxis.ticktext"
        ".includes('<b>FSM: Y</b>')"),
        what="the clicked group in bold")
