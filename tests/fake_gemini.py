"""A stand-in for the Gemini REST API on 127.0.0.1: answers generateContent with queued replies and records
every request, so tests drive the real google-genai SDK without the internet."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def text_reply(text: str) -> dict:
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP",
                            "index": 0}],
            "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 10, "totalTokenCount": 20}}


def call_reply(name: str, args: dict) -> dict:
    return {"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"name": name, "args": args}}]},
                            "finishReason": "STOP", "index": 0}]}


class FakeGemini:
    def __init__(self):
        self.replies: list[tuple[int, str, float]] = []  # (status, body, delay seconds)
        self.requests: list[dict] = []  # {"path", "headers", "body"}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": raw})
                status, body, delay = outer.replies.pop(0) if outer.replies else (500, '{"error": {}}', 0)
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body.encode())))
                    self.end_headers()
                    self.wfile.write(body.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, body, status: int = 200, delay: float = 0.0) -> "FakeGemini":
        self.replies.append((status, body if isinstance(body, str) else json.dumps(body), delay))
        return self

    def error(self, status: int, message: str = "boom") -> "FakeGemini":
        return self.reply({"error": {"code": status, "message": message, "status": "UNAVAILABLE"}}, status)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
