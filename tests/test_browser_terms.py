"""In headless Chromium: a school's file, then "Add a term" with its next term; the Sankey of persona moves, a click
on one of its links filtering the dashboard to the students who made that move, the profile card's line across
terms, and the example reference loaded with one click into the Benchmarks table."""
import pytest
from browser_checks import assert_accessible
from test_browser import (  # noqa: F401
    browser,
    click_css,
    click_first_row,
    downloads,
    goto,
    loaded,
    open_tab,
    pytestmark,
    server,
    text,
    upload,
    wait_for,
)

from analytics.ingest.terms_gen import generate_terms
from components import ids

ROWS = 300
SANKEY = "const p = document.querySelector('#terms-sankey .js-plotly-plot'); "
LINKS = SANKEY + "return p && p.data && p.data[0] && p.data[0].type === 'sankey' ? p.data[0].link : null;"
# the on-screen path of link i of the Sankey (its data is bound by d3), to click where a person would
LINK_PATH = """
const paths = document.querySelectorAll('#terms-sankey .sankey-link');
for (const path of paths) { const d = path.__data__; if (d && d.link && d.link.pointNumber === arguments[0]) return path; }
return null;
"""


@pytest.fixture(scope="module")
def terms(tmp_path_factory):
    folder = tmp_path_factory.mktemp("terms")
    frames = generate_terms(ROWS, 2, seed=23)
    paths = [folder / "autumn.csv", folder / "spring.csv"]
    for frame, path in zip(frames, paths):
        frame.to_csv(path, index=False)
    return frames, paths


def test_add_a_term_see_the_sankey_and_click_a_move(server, browser, terms):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains

    frames, paths = terms
    goto(browser, server, "subjects")
    loaded(browser, "2,000", "demo loaded")
    wait_for(browser, lambda d: "has one term" in text(d, ids.TERMS_SUMMARY), what="one term")
    upload(browser, paths[0])
    loaded(browser, f"{ROWS:,}", "first term loaded")
    browser.find_element("css selector", f"#{ids.TERM_UPLOAD} input[type=file]").send_keys(str(paths[1]))
    wait_for(browser, lambda d: "Added spring.csv as term 2 of 2" in text(d, ids.TERM_STATUS), what="term added")
    wait_for(browser, lambda d: (d.execute_script(LINKS) or {}).get("value"), timeout=60, what="Sankey drawn")
    joined = len(set(frames[1]["UPN"]) - set(frames[0]["UPN"]))
    left = len(set(frames[0]["UPN"]) - set(frames[1]["UPN"]))
    wait_for(browser, lambda d: f"Joined: {joined} students" in text(d, ids.TERMS_MOVERS), what="joined listed")
    assert f"Left: {left} students" in text(browser, ids.TERMS_MOVERS)
    link = browser.execute_script(LINKS)
    moves = [(i, key, n) for i, (key, n) in enumerate(zip(link["customdata"], link["value"]))
             if key.split(":", 1)[1].split(">")[0] != key.split(">")[1]]
    i, move, count = max(moves, key=lambda m: m[2])  # the widest real move: the easiest to hit
    assert_accessible(browser, "the Over time section")

    path = browser.execute_script(LINK_PATH, i)
    assert path is not None, "the link's path is on the page"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", path)
    ActionChains(browser).move_to_element(path).pause(0.3).click().perform()
    wait_for(browser, lambda d: "Persona move" in text(d, ids.FILTER_CHIPS), what="the move as a filter chip")
    assert "move=" in browser.current_url
    # the pointer lands on the widest link, or where links overlap on a neighbour: the chip names the move taken
    chip = text(browser, ids.FILTER_CHIPS)
    shown = browser.execute_script(LINKS)
    picked = [n for key, n in zip(shown["customdata"], shown["value"])
              if chip.endswith(f"T{key.split(':')[0]} {key.split(':', 1)[1].split('>')[0]} → "
                               f"T{int(key.split(':')[0]) + 1} {key.split('>')[1]}")]
    assert len(picked) == 1, chip
    assert picked[0] == count or move.split(">")[1] not in chip
    open_tab(browser, "explore")  # the students who made the move, in the table
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == f"{picked[0]:,} students", what="the movers in the table")

    row = int(click_first_row(browser, ids.STUDENT_TABLE, "UPN", "first mover in the table"))
    wait_for(browser, lambda d: "across terms" in text(d, ids.PROFILE_TERMS).lower(), what="the line across terms")
    upn = str(frames[0]["UPN"].iloc[row - 2])
    assert upn in set(frames[1]["UPN"])  # a mover is in both terms
    assert "T1: " in text(browser, ids.PROFILE_TERMS) and "T2: " in text(browser, ids.PROFILE_TERMS)
    assert_accessible(browser, "the profile card with terms")
    click_css(browser, "button.btn-close", "close the profile card")


def test_the_example_reference_loads_with_one_click(server, browser, terms):  # noqa: F811
    frames, _ = terms
    open_tab(browser, "subjects")
    click_css(browser, f"#{ids.BENCH_EXAMPLE}", "use the example reference")
    wait_for(browser, lambda d: "Attendance" in text(d, ids.BENCH_TABLE), what="benchmark table")
    absence = 100 - frames[0]["Attendance %"].astype(float).mean()
    table = text(browser, ids.BENCH_TABLE)
    assert f"{absence:.1f}%" in table and "7.4%" in table and f"{absence - 7.4:+.1f} pts" in table
    assert "Attainment 8" in text(browser, ids.BENCH_SKIPPED)
    points = browser.execute_script("const p = document.querySelector('#bench-chart .js-plotly-plot'); "
                                    "return p && p.data ? p.data.map(t => t.x[0]) : null;")
    assert points == pytest.approx([absence, 7.4], abs=0.01)
    assert_accessible(browser, "the Benchmarks section")
