"""Slow or lying clients cannot hold the server: under gunicorn with the production settings (gunicorn.conf.py,
gthread workers), two uploads whose Content-Length is larger than what they send do not delay another person's
page, and each is answered once the read timeout passes."""
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from browser_server import wait_until_up
from safe_app import small_csv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "slow-clients-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    data = folder / "class.csv"
    data.write_bytes(small_csv(1))
    port = free_port()
    env = {**os.environ, "COHORT_ATLAS_CACHE": str(folder / "data"), "COHORT_ATLAS_DATA": str(data),
           "COHORT_ATLAS_MAP_WORKER": "0", "COHORT_ATLAS_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "COHORT_ATLAS_THREADS": "4", "COHORT_ATLAS_READ_SECONDS": "4", "COHORT_ATLAS_MIN_FREE_MB": "0",
           "COHORT_ATLAS_DATA_DIR": str(folder / "accounts"), "COHORT_ATLAS_ADMIN": f"head:{PASSWORD}"}
    log = open(folder / "gunicorn.log", "w+")
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c", "gunicorn.conf.py",
                             "wsgi:server"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    wait_until_up(url, proc, log, "gunicorn", 90)
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urllib.parse.urlencode({"username": "head", "password": PASSWORD}).encode()
    opener.open(url + "login", data=form, timeout=30).read()  # a production server asks everyone to sign in
    yield port, opener, {cookie.name: cookie.value for cookie in jar}
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def hold_upload(port: int, cookies: dict) -> socket.socket:
    """A signed-in person's upload that promises 10 MB, sends a few bytes and then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    jar = "; ".join(f"{name}={value}" for name, value in cookies.items())
    sock.sendall(b"POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filename: slow.csv\r\n"
                 + f"Cookie: {jar}\r\nX-CSRFToken: {cookies['_csrf_token']}\r\n".encode()
                 + b"Content-Type: application/octet-stream\r\nContent-Length: 10000000\r\n\r\nHours_Studied,Exam")
    return sock


def timed_get(opener, port: int, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    with opener.open(f"http://127.0.0.1:{port}{path}", timeout=30) as reply:
        reply.read()
        return reply.status, time.perf_counter() - start


def test_two_held_uploads_do_not_delay_another_person_s_page(gunicorn):
    port, opener, cookies = gunicorn
    held = [hold_upload(port, cookies) for _ in range(2)]
    try:
        time.sleep(0.5)  # both are inside the upload route, waiting for bytes that never come
        for path in ("/", "/_dash-layout", "/assets/style.css"):
            status, seconds = timed_get(opener, port, path)
            assert status == 200 and seconds < 2, (path, seconds)
        for sock in held:  # the read timeout (4 s here) frees each thread with a clear answer
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 400") and b"the upload was cut short" in answer
    finally:
        for sock in held:
            sock.close()
