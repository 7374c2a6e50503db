"""The app server the browser tests drive: started once per test process (conftest's `app_server`), signed in
as the account it makes at start."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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
