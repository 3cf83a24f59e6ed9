"""A fault-injecting OpenAI-compatible server on 127.0.0.1, for tests that need real HTTP, not mocks.

The first path segment picks the behaviour: ``http://127.0.0.1:PORT/<mode>/v1`` as OPENAI_BASE_URL.
Modes: ``ok``, ``401``, ``404``, ``429`` (with Retry-After: 7), ``500``, ``context`` (a 400 saying the
context is too long), ``echo`` (a 400 whose body echoes the request's Authorization header), ``malformed``
(an event stream of broken JSON), ``cut`` (one chunk, then the connection drops), ``nodone`` (chunks, no
finish and no [DONE]), ``empty`` (finished, no words) and ``slow`` (answers after 3 s).
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("ok", "401", "404", "429", "500", "context", "echo", "malformed", "cut", "nodone", "empty", "slow")
REPLY = ("Fair question. ", "Margins, mostly.")


def _chunk(content: str | None, finish: str | None = None) -> bytes:
    delta = {"content": content} if content is not None else {}
    doc = {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fault",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(doc)}\n\n".encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(
            status, json.dumps({"error": {"message": message, "type": "fault"}}).encode(), headers=headers
        )

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        mode = self.path.strip("/").split("/")[0]
        stream = _chunk(REPLY[0]) + _chunk(REPLY[1]) + _chunk(None, "stop") + b"data: [DONE]\n\n"
        if mode == "ok":
            self._send(200, stream, "text/event-stream")
        elif mode == "401":
            self._error(401, "Incorrect API key provided.")
        elif mode == "404":
            self._error(404, "The model 'fault' does not exist.")
        elif mode == "429":
            self._error(429, "Rate limit reached.", {"Retry-After": "7"})
        elif mode == "500":
            self._error(500, "Internal error.")
        elif mode == "context":
            self._error(400, "This model's maximum context length is 4096 tokens; your messages were 5000.")
        elif mode == "echo":
            self._error(
                400, f"Bad request. Headers received: Authorization: {self.headers.get('Authorization')}"
            )
        elif mode == "malformed":
            self._send(200, b'data: {"id": "x", "choices": [\n\n', "text/event-stream")
        elif mode == "cut":
            body = _chunk(REPLY[0])
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(body) * 10))  # promises more than it sends
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
        elif mode == "nodone":
            self._send(200, _chunk(REPLY[0]) + _chunk(REPLY[1]), "text/event-stream")
        elif mode == "empty":
            self._send(200, _chunk(None, "stop") + b"data: [DONE]\n\n", "text/event-stream")
        elif mode == "slow":
            time.sleep(3)
            self._send(200, stream, "text/event-stream")
        else:
            self._error(404, f"unknown fault mode {mode!r}")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up on a cut stream is the point of the test, not news


@contextmanager
def fault_server():
    """Yield the server's base address (``http://127.0.0.1:PORT``); add ``/<mode>/v1`` to use a mode."""
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
