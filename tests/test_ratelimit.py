"""Upload rate limits: counted per process in memory, or shared by every web worker through Redis (REDIS_URL)."""
from flask import Flask

from backend import ratelimit


def worker() -> Flask:
    """A web worker's upload route, limited as app.py limits it."""
    server = Flask(__name__)

    @server.post("/api/upload")
    def upload_file():
        return {"dataset_id": "x"}

    ratelimit.install(server, "upload_file")
    return server


def test_each_worker_counts_in_memory_without_redis(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("COHORT_ATLAS_UPLOAD_RATE", "2 per minute")
    client = worker().test_client()
    assert [client.post("/api/upload").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.post("/api/upload")
    assert "too many uploads: at most 2 per 1 minute" in refused.json["error"]


def test_workers_share_the_count_through_redis(monkeypatch, redis_url):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("COHORT_ATLAS_UPLOAD_RATE", "3 per minute")
    first, second = worker().test_client(), worker().test_client()
    answers = [first.post("/api/upload").status_code, second.post("/api/upload").status_code,
               first.post("/api/upload").status_code, second.post("/api/upload").status_code]
    assert answers == [200, 200, 200, 429]
