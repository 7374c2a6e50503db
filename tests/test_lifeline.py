"""A job process that is stuck ends when the server that forked it stops, and not before."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A "server" that forks a job which blocks for ever (as one waiting on a mutex that a thread of the server held at
# the fork), checks after a few of the job's checks that it still runs, then stops without stopping it.
SERVER = """
import os, sys, threading, time
sys.path.insert(0, sys.argv[1])
from backend import jobs
jobs.background_manager(sys.argv[2])  # what the app does at start with the default (Diskcache) manager
held = threading.Lock()
held.acquire()
pid = os.fork()
if pid == 0:
    os.close(1), os.close(2)  # the test reads the server's output to its end
    held.acquire()
    os._exit(0)
time.sleep(2.5)
print(pid, os.waitpid(pid, os.WNOHANG) == (0, 0), flush=True)
os._exit(0)
"""


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # ended, waiting to be reaped
    except FileNotFoundError:
        return True


def test_a_stuck_job_ends_when_its_server_stops(tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    done = subprocess.run([sys.executable, "-c", SERVER, str(ROOT), str(tmp_path)], capture_output=True, text=True,
                          timeout=60, env={k: v for k, v in os.environ.items() if k != "REDIS_URL"})
    assert done.returncode == 0, done.stderr
    pid, alive = done.stdout.split()
    pid = int(pid)
    try:
        assert alive == "True", "the job was stopped while its server still ran"
        deadline = time.time() + 10
        while not gone(pid) and time.time() < deadline:
            time.sleep(0.1)
        assert gone(pid), "the stuck job outlived its server"
    finally:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)
