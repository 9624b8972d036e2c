"""A webhook receiver on loopback: a real HTTP server in a thread that checks each request's
signature with the subscriber's secret and records what it got."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from registry.webhooks.events import EVENT_ID_HEADER, SIGNATURE_HEADER, verify


@dataclass
class Received:
    path: str
    event_id: str
    signature: str
    body: bytes
    answered: int
    host: str
    """The Host header: the name the sender asked for, whatever address it connected to."""

    @property
    def event(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded

    def signed_by(self, secret: str) -> bool:
        return verify(secret, self.signature, self.body, int(time.time()))


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    """Per path, how many of the next requests are answered 500."""

    def at(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


@contextmanager
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                failing = state.failures.get(self.path, 0)
                status = 500 if failing else 204
                if failing:
                    state.failures[self.path] = failing - 1
                state.requests.append(
                    Received(
                        self.path,
                        self.headers.get(EVENT_ID_HEADER, ""),
                        self.headers.get(SIGNATURE_HEADER, ""),
                        body,
                        status,
                        self.headers.get("Host", ""),
                    )
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
