"""The real app served by uvicorn on loopback, for tests that need real HTTP.

Litestar's test clients hand requests to the app one at a time; concurrent requests (a
double click, two processes' worth of traffic) and browsers need a real server.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn

from registry.app import create_app
from registry.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The real app under uvicorn in a thread with its own event loop."""

    def __init__(
        self,
        settings: Settings,
        *,
        port: int | None = None,
        host_name: str = "127.0.0.1",
    ) -> None:
        self.port = port or free_port()
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
        asyncio.run(self.server.serve())

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
