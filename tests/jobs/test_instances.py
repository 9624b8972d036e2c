"""Two service processes (uvicorn, real HTTP, each on its own port) and a worker process on
one PostgreSQL: whichever process answers, the login session, CSRF-protected forms and a
report export with its downloads work; invoice runs through both at the same moment bill
nothing twice; and the audit chain is intact afterwards."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from registry.billing.models import Invoice, InvoiceStatus
from registry.db import create_engine, create_session_factory
from registry.migrate import upgrade
from tests.helpers.pages import SESSION_SECRET, csrf_token_in
from tests.live import bound_socket
from tests.web.billing_data import fill as fill_billing

BIN = Path(sys.executable).parent
PATIENCE_SECONDS = 60
"""Guards against waiting for ever; not a speed requirement."""


class Processes:
    """Child processes of one test, stopped (SIGTERM, then SIGKILL) at its end."""

    def __init__(self, environment: dict[str, str], logs: Path) -> None:
        self.environment = environment
        self.logs = logs
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *command: str, pass_fds: tuple[int, ...] = ()) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.running.append(
            subprocess.Popen(
                command,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=pass_fds,
            )
        )

    def serve(self, name: str) -> str:
        """A service process on a socket bound here (so no other test takes its port)."""
        sock = bound_socket()
        port = sock.getsockname()[1]
        fd = sock.fileno()
        command = [str(BIN / "uvicorn"), "--factory", "registry.app:create_app", "--fd", str(fd)]
        self.start(name, *command, "--log-level", "warning", pass_fds=(fd,))
        sock.close()
        return f"http://127.0.0.1:{port}"

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.running:
            process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes({}, tmp_path)
    yield running
    running.stop()


async def _up(url: str) -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    async with httpx.AsyncClient() as http:
        while True:
            try:
                if (await http.get(f"{url}/")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{url} did not start"
            await asyncio.sleep(0.2)


async def _form(http: httpx.AsyncClient, page: str, action: str, **data: str) -> httpx.Response:
    """A form read from one process (`page`) and posted to another (`action`)."""
    html = (await http.get(page)).text
    return await http.post(action, data={"_csrf_token": csrf_token_in(html), **data})


async def _duplicates(url: str) -> list[tuple[int, str]]:
    """Billed items (member, item) that are on more than one invoice line."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT member_id, item_key FROM invoice_line "
                    "GROUP BY member_id, item_key HAVING count(*) > 1"
                )
            )
            return sorted((row[0], row[1]) for row in rows)
    finally:
        await engine.dispose()


async def _drafts(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return list(
                await session.scalars(
                    select(Invoice.member_code)
                    .where(Invoice.status == InvoiceStatus.DRAFT)
                    .order_by(Invoice.member_code)
                )
            )
    finally:
        await engine.dispose()


async def _count_invoices(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(Invoice)) or 0)
    finally:
        await engine.dispose()


async def test_two_service_processes_and_a_worker_on_one_database(
    new_database: Callable[[str], str], processes: Processes, tmp_path: Path
) -> None:
    url = new_database("postgresql")
    await upgrade(url)
    await fill_billing(url)  # members, costs, one issued invoice; more to bill until 30 June
    processes.environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")},
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_SESSION_SECRET": SESSION_SECRET,
        "REGISTRY_DEV_MODE": "true",
        "REGISTRY_DEV_LOGIN": "true",
        "REGISTRY_REPORTS_DIR": str(tmp_path / "reports"),
        "REGISTRY_JOB_POLLING_SECONDS": "0.2",
        "PYTHONUNBUFFERED": "1",
    }
    a, b = processes.serve("service-a"), processes.serve("service-b")
    processes.start("worker", str(BIN / "registry"), "worker")
    await asyncio.gather(_up(a), _up(b))

    async with httpx.AsyncClient(timeout=PATIENCE_SECONDS) as http:
        # Logged in through B with the form and CSRF cookie that A handed out.
        response = await _form(
            http, f"{a}/inloggen", f"{b}/inloggen/ontwikkeling", persoon="dirk-directie"
        )
        assert response.status_code == 303, response.text
        for service in (a, b):
            assert (await http.get(f"{service}/rapporten")).status_code == 200, service

        # An export started through A, followed and downloaded through B and A.
        response = await _form(
            http, f"{b}/rapporten", f"{a}/rapporten", jaar="2023", formaat="json"
        )
        assert response.status_code == 303, response.text
        job_url = response.headers["location"]
        deadline = time.monotonic() + PATIENCE_SECONDS
        while "Klaar" not in (progress := (await http.get(f"{b}{job_url}/voortgang")).text):
            assert "mislukt" not in progress, progress
            assert time.monotonic() < deadline, processes.log("worker") + progress
            await asyncio.sleep(0.2)
        page = (await http.get(f"{a}{job_url}")).text
        names = re.findall(rf'href="{re.escape(job_url)}/([^"]+)" download', page)
        manifest_name = next(n for n in names if n.endswith(".manifest.json"))
        manifest = json.loads((await http.get(f"{b}{job_url}/{manifest_name}")).content)
        for name, sha256 in manifest["files"].items():
            download = await http.get(f"{a}{job_url}/{name}")
            assert download.status_code == 200, name
            assert hashlib.sha256(download.content).hexdigest() == sha256

        # The same invoice run through both processes at the same moment.
        duplicates_before = await _duplicates(url)
        invoices_before = await _count_invoices(url)
        preview = (await http.get(f"{a}/facturen?tot=2023-06-30")).text
        digest = re.search(r'name="invoer" value="([0-9a-f]{64})"', preview)
        assert digest
        form = {"_csrf_token": csrf_token_in(preview), "tot": "2023-06-30", "invoer": digest[1]}
        both = await asyncio.gather(
            *(http.post(f"{service}/facturen/concepten", data=form) for service in (a, b))
        )
        assert sorted(r.status_code for r in both)[0] == 303, [r.text[:300] for r in both]
        assert all(r.status_code in (303, 409) for r in both)
    drafts = await _drafts(url)
    assert drafts == ["eindhoven", "gr-boxtel-sint-michielsgestel"]  # one each
    assert await _count_invoices(url) == invoices_before + len(drafts)
    assert await _duplicates(url) == duplicates_before  # no item billed twice

    processes.stop()
    verified = subprocess.run(  # noqa: ASYNC221 (the test's last step)
        [str(BIN / "registry"), "audit", "verify"],
        env=processes.environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    assert "audit log intact" in verified.stdout
