"""The real app served by uvicorn on loopback, for tests that need real HTTP.

Litestar's test clients hand requests to the app one at a time; concurrent requests (a
double click, two processes' worth of traffic) and browsers need a real server.

The server's socket is bound before the server starts and handed to uvicorn, so a port is
never "free a moment ago" and then taken by a test running in another worker process.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn

from registry.app import create_app
from registry.settings import Settings


def bound_socket() -> socket.socket:
    """A listening-to-be socket on a free loopback port, held until the server uses it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class LiveServer:
    """The real app under uvicorn in a thread with its own event loop."""

    def __init__(
        self,
        settings: Settings,
        *,
        sock: socket.socket | None = None,
        host_name: str = "127.0.0.1",
    ) -> None:
        self.socket = sock or bound_socket()
        self.port = int(self.socket.getsockname()[1])
        self.url = f"http://{host_name}:{self.port}"
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.socket]))

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
