"""/metrics under uvicorn with several worker processes, as the README's drop-in runs it: with
PROMETHEUS_MULTIPROC_DIR every scrape counts the requests of all workers, whichever answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.metrics import METRICS_TOKEN, sample
from tests.helpers.pages import SESSION_SECRET
from tests.helpers.ports import free_port

UVICORN = str(Path(sys.executable).parent / "uvicorn")


@pytest.fixture
def workers(tmp_path: Path, db_url: str) -> Iterator[tuple[str, Path]]:
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")},
        "REGISTRY_DATABASE_URL": db_url,
        "REGISTRY_SESSION_SECRET": SESSION_SECRET,
        "REGISTRY_METRICS_TOKEN": METRICS_TOKEN,
        "REGISTRY_REPORTS_DIR": str(tmp_path / "reports"),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    server = subprocess.Popen(
        [
            *(UVICORN, "registry.app:create_app", "--factory", "--host", "127.0.0.1"),
            *("--port", str(port), "--workers", "2", "--no-access-log"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # wait for the workers to take requests
            try:
                if httpx.get(f"{url}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url, metrics_dir
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_scrape_counts_the_requests_of_every_worker(workers: tuple[str, Path]) -> None:
    url, metrics_dir = workers
    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    healthz = {"path": "/healthz", "status_code": "200"}
    with httpx.Client(base_url=url) as client:
        before = sample(
            client.get("/metrics", headers=auth).text, "registry_requests_total", **healthz
        )
        for _ in range(100):  # new connections: the workers take turns accepting them
            with httpx.Client(base_url=url) as fresh:
                assert fresh.get("/healthz").status_code == 200
        scrapes = [client.get("/metrics", headers=auth).text for _ in range(6)]
    # Both workers counted requests (each writes the counters of its own process) ...
    counting = {path.stem.split("_")[-1] for path in metrics_dir.glob("counter_*.db")}
    assert len(counting) == 2
    # ... and every scrape, whichever worker answers it, adds up all of them.
    for text in scrapes:
        assert sample(text, "registry_requests_total", **healthz) == (before or 0) + 100
