"""The app server and the Chromium the browser tests drive: each started once per test process (conftest's
`app_server` and `chromium`), the browser signed in as the account the server makes at start."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# The account every browser test signs in with: the server makes it at start (COHORT_ATLAS_ADMIN).
ADMIN, PASSWORD = "browser-tests", "browser tests password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc, log, what: str, seconds: float) -> None:
    """Wait for a server started as `proc` to answer its sign-in page (open to everyone); fail with its log when it
    exits or takes longer than `seconds`."""
    deadline = time.time() + seconds
    while True:
        try:
            urllib.request.urlopen(url + "login", timeout=5)
            return
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                log.seek(0)
                pytest.fail(f"{what} did not start:\n{log.read()}")
            time.sleep(0.3)


def app_server(tmp_path_factory, map_worker_dir):
    """One app server per test process for every browser module: starting one costs seconds, and the modules
    share the cache directory (and so the uploads) anyway. Each module still checks its own part of the log."""
    port = free_port()
    # The session's map worker serves this cache directory already (UMAP warmed up while other tests ran), so
    # the server finds it and starts no second one.
    # the 20-column demo cohort: these tests read its personas, breakdowns and map (the school has its own tests)
    env = {**os.environ, "COHORT_ATLAS_CACHE": map_worker_dir, "COHORT_ATLAS_DEMO": "cohort",
           "COHORT_ATLAS_ADMIN": f"{ADMIN}:{PASSWORD}",
           "COHORT_ATLAS_DATA_DIR": str(tmp_path_factory.mktemp("accounts")),
           "COHORT_ATLAS_UPLOAD_RATE": "1000 per minute"}  # every module uploads as the same person
    env.pop("COHORT_ATLAS_DATA", None)
    log = open(tmp_path_factory.mktemp("log") / "app.log", "w+")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    wait_until_up(url, proc, log, "app.py", 60)
    url_with_log = type("Server", (str,), {})(url)
    url_with_log.log = log
    url_with_log.opener = signed_in_opener(url)  # for pages a test reads without the browser (the print view)
    yield url_with_log
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def signed_in_opener(url: str) -> urllib.request.OpenerDirector:
    """A urllib opener holding a session cookie from POST /login, as scripts sign in."""
    import http.cookiejar
    from urllib.parse import urlencode

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.open(url + "login", data=urlencode({"username": ADMIN, "password": PASSWORD}).encode(), timeout=10)
    return opener


# --force-prefers-reduced-motion: Bootstrap then stops the striped progress bars' endless animation (as it does for
# anyone who asks their system for less motion). Headless Chromium paints in software, and one animated bar on
# screen cost a quarter of a core for as long as a background job ran; the bars and their text are still there.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--force-prefers-reduced-motion"]


def start_chromium(profile: Path, downloads: Path, logs: dict | None = None):
    """Debian's headless Chromium through its chromedriver, with its own profile folder; `logs` are the
    goog:loggingPrefs Chromium keeps (conftest's no_console_errors reads "browser")."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in CHROMIUM_ARGS + ["--window-size=1400,1000", f"--user-data-dir={profile}"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", logs or {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def download_to(driver, folder: Path) -> None:
    """Files the page downloads from now on land in `folder`."""
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})


def sign_in(driver, url: str) -> None:
    """Sign in through the sign-in page, as a person does; the session cookie then serves every test."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url + "login")
    driver.find_element("id", "username").send_keys(ADMIN)
    driver.find_element("id", "password").send_keys(PASSWORD)
    driver.find_element("css selector", "form button[type=submit]").click()
    WebDriverWait(driver, 40, poll_frequency=0.2).until(
        lambda d: d.find_elements("id", "_dash-app-content") or d.find_elements("id", "react-entry-point"),
        message="the dashboard after signing in")
