"""In headless Chromium, measured as a person sees it: the sticky filter bar stays one line, chart labels are
whole and inside their charts, a file without exam scores shows no empty model panels, and a typed what-if
value applies on Enter and survives a filter change."""
import pytest
from test_browser import (browser, click, downloads, open_tab, pytestmark, server, text, upload,  # noqa: F401
                          wait_for)

from components import ids

RECT = "const r = arguments[0].getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, " \
       "right: r.right, height: r.height};"
# tick labels of one graph: [full text, left, right, top, bottom]; tspans of a wrapped label join without a space
TICKS = """const svg = document.querySelector('#' + arguments[0] + ' svg.main-svg');
const box = svg.getBoundingClientRect();
const ticks = [...document.querySelectorAll('#' + arguments[0] + ' ' + arguments[1])].map(t => {
    const r = t.getBoundingClientRect();
    return [t.textContent, r.left, r.right, r.top, r.bottom];
});
return {left: box.left, right: box.right, ticks: ticks};"""
PLOT_DATA = "const p = document.querySelector('#' + arguments[0] + ' .js-plotly-plot'); return p && p.data;"


def screen(driver, width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


@pytest.fixture
def sized(browser):  # noqa: F811
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def rect(driver, element_id):
    return driver.execute_script(RECT, driver.find_element("id", element_id))


def open_demo(driver, url):
    driver.get(url)
    wait_for(driver, lambda d: len(d.execute_script(PLOT_DATA, ids.PERSONA_RADAR) or []) == 5, timeout=90,
             what="demo radar")


def scroll_to(driver, element_id, gap=70):
    driver.execute_script("const el = document.getElementById(arguments[0]);"
                          "window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - arguments[1]);",
                          element_id, gap)


@pytest.mark.parametrize("width,height,controls_shown", [(400, 800, False), (1366, 768, True)])
def test_the_filter_bar_sticks_as_one_line(server, sized, width, height, controls_shown):  # noqa: F811
    """On a phone the controls fold behind the Filters button; on a laptop they show, but only the line sticks."""
    open_demo(sized, server)
    screen(sized, width, height)

    def scrolled(d):
        """Scrolled to the persona section, the bar stuck and the section's title below it; scrolled again while
        panels that arrive late (the persona counts' stability) move the page."""
        scroll_to(d, ids.PERSONA_SECTION)
        bar = rect(d, ids.FILTER_BAR)
        title = d.execute_script(RECT, d.find_element("css selector", f"#{ids.PERSONA_SECTION} h2"))
        return (bar, title) if bar["top"] < 20 and bar["bottom"] <= title["top"] else None

    bar, title = wait_for(sized, scrolled, what="the bar stuck to the top above the section title")
    assert bar["height"] <= 80
    assert (rect(sized, ids.FILTER_PANEL)["height"] > 0) == controls_shown
    sized.find_element("id", ids.FILTERS_TOGGLE).click()
    gender = sized.find_element("id", ids.F_GENDER)
    wait_for(sized, lambda d: gender.is_displayed() and 0 <= rect(d, ids.F_GENDER)["top"] < height,
             what="the filter controls brought into view")


@pytest.mark.parametrize("width", [1366, 1920])
def test_chart_labels_are_whole_and_inside_their_charts(server, sized, width):  # noqa: F811
    screen(sized, width, 900)
    open_demo(sized, server)
    wait_for(sized, lambda d: len(d.execute_script(PLOT_DATA, ids.TRAJECTORY_MIX) or []) == 5, what="mix bars")
    trajectories = sized.execute_script(PLOT_DATA, ids.TRAJECTORY_DONUT)[0]["labels"]
    mix = sized.execute_script(TICKS, ids.TRAJECTORY_MIX, ".ytick text")
    assert sorted(t[0].strip() for t in mix["ticks"]) == sorted(trajectories)
    assert all(t[1] >= mix["left"] for t in mix["ticks"]), mix

    personas = [p["name"] for p in sized.execute_script(PLOT_DATA, ids.SCORE_DISTRIBUTION)]
    boxes = sized.execute_script(TICKS, ids.SCORE_DISTRIBUTION, ".ytick text")
    squash = "".join  # a wrapped label's lines join without the space or the <br>
    assert sorted(squash(t[0].split()) for t in boxes["ticks"]) == sorted(
        squash(p.replace("<br>", " ").split()) for p in personas)
    assert all(t[1] >= boxes["left"] for t in boxes["ticks"]), boxes
    numbers = sized.execute_script(TICKS, ids.SCORE_DISTRIBUTION, ".xtick text")["ticks"]
    title = sized.execute_script(TICKS, ids.SCORE_DISTRIBUTION, ".g-xtitle text")["ticks"]
    assert len(title) == 1 and title[0][3] >= max(t[4] for t in numbers)  # the axis title sits below its ticks

    radar = sized.execute_script(TICKS, ids.PERSONA_RADAR, ".angularaxistick text")
    assert len(radar["ticks"]) == 8
    assert all(radar["left"] <= t[1] and t[2] <= radar["right"] for t in radar["ticks"]), radar


def test_the_radar_theme_names_fit_a_phone(server, sized):  # noqa: F811
    screen(sized, 400, 800)
    open_demo(sized, server)
    radar = sized.execute_script(TICKS, ids.PERSONA_RADAR, ".angularaxistick text")
    assert len(radar["ticks"]) == 8
    assert all(radar["left"] <= t[1] and t[2] <= radar["right"] for t in radar["ticks"]), radar


def test_a_file_without_exam_scores_shows_no_empty_model_panels(server, browser, data_dir, tmp_path):  # noqa: F811
    import pandas as pd

    path = tmp_path / "no-scores.csv"  # the exams file's marks are subjects; without them it has no outcome
    pd.read_csv(data_dir / "exams_students_performance.csv").drop(
        columns=["math score", "reading score", "writing score"]).to_csv(path, index=False)
    open_demo(browser, server)
    open_tab(browser, "risk")
    upload(browser, path)
    wait_for(browser, lambda d: "no exam scores" in text(d, ids.RISK_STATUS), timeout=90, what="the status line")
    for hidden in (ids.RISK_PANELS, ids.FAIRNESS_BOX, ids.RISK_MODEL_BOX, ids.INTERVENTION_TABLE):
        assert not browser.find_element("id", hidden).is_displayed(), hidden
    status = browser.find_element("id", ids.RISK_STATUS)
    assert status.is_displayed() and rect(browser, ids.RISK_STATUS)["height"] < 120


def test_a_typed_what_if_change_applies_on_enter_and_survives_a_filter(server, browser):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    open_demo(browser, server)
    open_tab(browser, "risk")
    wait_for(browser, lambda d: "of 2,000 students in view" in text(d, ids.RISK_SUMMARY), timeout=120,
             what="risk summary for the demo")
    selector = f"[id*='\"role\":\"attendance\"'][id*='\"type\":\"{ids.LEVER}\"'] input[type=number]"
    box = browser.find_element("css selector", selector)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("10", Keys.ENTER)
    wait_for(browser, lambda d: "Predicted mean" in text(d, ids.SCENARIO_RESULT), what="the what-if result")
    before = text(browser, ids.SCENARIO_RESULT)

    # a filter from the bar above the tabs; the Risk tab stays open with the sliders as they were set
    wait_for(browser, lambda d: d.find_element("id", ids.F_OUTLIER_BOX).is_displayed(), timeout=120,
             what="the outlier filter")
    click(browser, "//*[@id='f-outlier']//label[normalize-space()='No outliers']")
    wait_for(browser, lambda d: "of 2,000 students" not in text(d, ids.RISK_SUMMARY), what="the filtered view")
    wait_for(browser, lambda d: text(d, ids.SCENARIO_RESULT) not in ("", before), what="the result for the view")
    assert "Predicted mean" in text(browser, ids.SCENARIO_RESULT)
    box = browser.find_element("css selector", selector)
    assert box.get_attribute("value") == "10"
