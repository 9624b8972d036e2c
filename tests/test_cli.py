"""The `registry` command, run as a user would, against the test database."""

from __future__ import annotations

import contextlib
import enum
import itertools
import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import typer.main
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.auth.roles import Role, system_actor
from registry.auth.service import actor_for_user
from registry.billing.models import Invoice
from registry.catalogue.models import Application
from registry.cli import app
from registry.costs.models import AllocationRun, CostCategory
from registry.costs.pools import EntryInput, add_entry
from registry.db import create_engine, create_session_factory
from registry.fees.models import FeeRun
from registry.members.figures import member_inhabitants
from registry.members.models import Member, PopulationFigure
from registry.settings import get_settings
from tests.helpers.cli import invoke, refusal, runner


@pytest.fixture
async def cli_demo(cli_db: str) -> None:
    assert (await invoke("demo", "load")).exit_code == 0


async def _count(factory: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with factory() as session:
        return (await session.scalar(select(func.count()).select_from(model))) or 0


@pytest.mark.usefixtures("cli_db")
async def test_demo_loads_once_with_real_figures(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    first = await invoke("demo", "load")
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output
    counts = [await _count(session_factory, m) for m in (Member, Application, PopulationFigure)]
    second = await invoke("demo", "load")
    assert second.exit_code == 0
    assert "not loaded again" in second.output
    again = [await _count(session_factory, m) for m in (Member, Application, PopulationFigure)]
    assert again == counts
    # Every shipped year's figures: 355 municipalities in 2020, then 352, 345, 342, 342, 342.
    assert counts[2] == 355 + 352 + 345 + 342 + 342 + 342
    async with session_factory() as session:
        gr = await member_inhabitants(session, "gr-boxtel-sint-michielsgestel", date(2020, 1, 1))
        woerden = await member_inhabitants(session, "woerden", date(2020, 1, 1))
    assert (gr.total, woerden.total) == (60_009, 52_299)


@pytest.mark.usefixtures("cli_db")
async def test_population_import_is_all_or_nothing(
    tmp_path: Path, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    good = tmp_path / "cbs.csv"
    good.write_text("cbs_code,name,year,population\nGM0632,Woerden,2021,52800\n", encoding="utf-8")
    result = await invoke("population", "import", str(good), "--status", "provisional")
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "cbs_code,name,year,population\nGM0772,Eindhoven,2021,235000\nGM77,Nergens,2021,x\n",
        encoding="utf-8",
    )
    refused = await invoke("population", "import", str(bad))
    assert refused.exit_code == 1
    assert "rows[3].cbs_code" in refused.output
    assert "rows[3].population" in refused.output
    assert "nothing was changed" in refused.output
    assert await _count(session_factory, PopulationFigure) == 1


@pytest.mark.usefixtures("cli_db")
async def test_population_import_refuses_a_latin1_file_naming_the_line(
    tmp_path: Path, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        "cbs_code,name,year,population\nGM0632,Woerden,2020,52299\n"
        "GM1900,Súdwest-Fryslân,2020,90000\n".encode("latin-1")
    )
    output = refusal(await invoke("population", "import", str(latin1)))
    assert "line 3: not UTF-8 (byte 0xfa at column 9)" in output
    assert "nothing was changed" in output
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text("cbs_code,name,year,population\nGM0632,Woerden,2020,1\n", encoding="utf-16")
    assert "UTF-16" in refusal(await invoke("population", "import", str(utf16)))
    assert await _count(session_factory, PopulationFigure) == 0


@pytest.mark.usefixtures("cli_db")
async def test_population_import_refuses_bad_numbers_names_and_sources(
    tmp_path: Path, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "cbs_code,name,year,population\n"
        "GM0632,Woerden,2020,52299\n"
        "GM0772,Eindhoven,2020,²\n"
        'GM0363,=HYPERLINK("http://x"),2020,5\n'
        "GM0757,Box\x1btel,2020,5\n"
        "GM0845,Sint-Michielsgestel,2020,[/red]\n",
        encoding="utf-8",
    )
    output = refusal(await invoke("population", "import", str(bad)))
    assert "rows[3].population: '²' is not a whole number" in output
    assert "rows[4].name: the name starts with '='" in output
    assert "rows[5].name: control or invisible character U+001B" in output
    assert "rows[6].population: '[/red]' is not a whole number" in output
    assert "nothing was changed" in output
    good = tmp_path / "good.csv"
    good.write_text("cbs_code,name,year,population\nGM0632,Woerden,2020,52299\n")
    refusal(await invoke("population", "import", str(good), "--source", "x" * 301))
    assert await _count(session_factory, PopulationFigure) == 0


@pytest.mark.usefixtures("cli_db")
async def test_population_import_stops_reading_an_endless_file(
    tmp_path: Path, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    zeros = refusal(await invoke("population", "import", "/dev/zero"))
    assert "line 1 is longer than 4,096 bytes" in zeros
    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)
    stop = threading.Event()

    def write_forever() -> None:
        note = "x" * 4000
        with contextlib.suppress(BrokenPipeError), fifo.open("wb") as pipe:
            pipe.write(b"cbs_code,name,year,population,note\n")
            for n in itertools.count():
                if stop.is_set():
                    break
                pipe.write(f"GM{n % 10_000:04d},Ergens,{2000 + n // 10_000},{n},{note}\n".encode())

    writer = threading.Thread(target=write_forever, daemon=True)
    writer.start()
    try:
        output = refusal(await invoke("population", "import", str(fifo)))
    finally:
        stop.set()
    assert "the file is larger than 16 MB" in output
    writer.join(timeout=10)
    assert not writer.is_alive()
    assert await _count(session_factory, PopulationFigure) == 0


def test_schema_file_check_detects_drift(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    current = runner.invoke(app, ["schema", "export", "--check"])
    assert current.exit_code == 0, current.output
    stale = tmp_path / "schema.graphql"
    stale.write_text("type Query { old: String }\n", encoding="utf-8")
    monkeypatch.setattr("registry.cli.operations.SCHEMA_FILE", stale)
    assert runner.invoke(app, ["schema", "export", "--check"]).exit_code == 1


@pytest.mark.usefixtures("cli_db")
async def test_the_first_admin_is_granted_on_the_command_line(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    args = ("roles", "grant", "--issuer", "https://idp.example", "--subject", "beheer")
    result = await invoke(*args, "--role", "admin", "--name", "Beheer")
    assert result.exit_code == 0, result.output
    async with session_factory() as session:
        user = await session.scalar(select(User).where(User.subject == "beheer"))
        assert user is not None
        actor = await actor_for_user(session, user.id)
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.entity_type == "role_assignment")
        )
    assert actor is not None
    assert actor.has_role(Role.ADMIN)
    assert event is not None
    assert event.actor_label == "cli:roles-grant"
    refused = await invoke(*args, "--role", "member_user")
    assert refused.exit_code == 1
    assert "member" in refused.output


async def test_fees_run_stores_once_and_shows_the_contributions(
    cli_db: str, cli_demo: None, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    preview = await invoke("fees", "run", "2026", "--preview")
    assert preview.exit_code == 0, preview.output
    # Woerden, a member all year: 2026 is rated by the latest published figure, that of
    # 1 January 2025 (53,976), × 0.35.
    assert "18,891.60" in preview.output
    assert "Preview only" in preview.output
    assert "Unchanged inputs" in (await invoke("fees", "run", "2026")).output
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(FeeRun)) == 3


async def test_fees_run_refuses_a_year_without_rate(cli_db: str, cli_demo: None) -> None:
    result = await invoke("fees", "run", "2019")
    assert result.exit_code == 1
    assert "no contribution rate is recorded for 2019" in result.output


async def test_members_merge(
    cli_db: str, cli_demo: None, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    result = await invoke(
        "members",
        "merge",
        "--effective-date",
        "2027-01-01",
        "--successor-code",
        "GM1991",
        "--successor-name",
        "Meierij-Noord",
        "--predecessor",
        "GM0757",
        "--predecessor",
        "GM0845",
    )
    assert result.exit_code == 0, result.output
    assert "gr-boxtel-sint-michielsgestel now stands for GM1991" in result.output
    async with session_factory() as session:
        gr = await session.scalar(
            select(Member).where(Member.code == "gr-boxtel-sint-michielsgestel")
        )
        assert gr is not None
        inhabitants = await member_inhabitants(session, gr.code, date(2027, 1, 1))
    assert [f.cbs_code for f in inhabitants.figures] == ["GM1991"]


async def test_allocate_settles_and_allocates_once(
    cli_db: str, cli_demo: None, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    nothing = await invoke("allocate", "--all")
    assert nothing.exit_code == 0, nothing.output
    assert "oprichting: nothing to allocate or settle" in nothing.output
    missing = await invoke("allocate")
    assert missing.exit_code == 1
    assert "name a pool or use --all" in missing.output
    async with session_factory() as session, session.begin():
        await add_entry(
            session,
            system_actor("test"),
            "oprichting",
            EntryInput("100", date(2021, 5, 1), CostCategory.OTHER, "Jaarrekening"),
        )
    stored = await invoke("allocate", "oprichting", "--until", "2021-12-31")
    assert stored.exit_code == 0, stored.output
    assert "oprichting: allocation run 2, total €100.00" in stored.output
    assert await _count(session_factory, AllocationRun) == 4  # 1 + 2 in the demo, 1 now


def test_help_imports_no_domain() -> None:
    """`registry --help` and a group's help start without the domains: the options that name
    a domain enum import it only when a command converts, completes or lists its values."""
    code = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from registry.cli import app\n"
        "for args in (['--help'], ['governance', '--help'], ['governance', 'person', '--help'],"
        " ['budget', '--help'], ['approvals', '--help'], ['audit', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('registry.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    allowed = ("registry.cli", "registry.kit", "registry.auth")
    assert [m for m in loaded if not m.startswith(allowed)] == []
    assert "registry.auth.roles" in loaded  # the actor of a command: pure data
    assert [m for m in loaded if m.startswith("registry.auth.")] == ["registry.auth.roles"]


def test_a_command_lists_and_checks_its_enum_values_from_the_domain() -> None:
    """Every option that names a domain enum finds it, lists its values in that command's
    help, and refuses a value outside them naming the valid ones."""
    from registry.cli.common import EnumChoice
    from registry.governance.rules import Choice

    found: list[tuple[str, EnumChoice]] = []
    commands = [typer.main.get_command(app)]
    while commands:
        command = commands.pop()
        commands.extend(getattr(command, "commands", {}).values())
        for param in command.params:
            parser = param.type_descriptor.parameter_info.parser
            if isinstance(parser, EnumChoice):
                found.append((f"{command.name} {param.name}", parser))
    assert len(found) == 17
    for where, choice in found:
        assert issubclass(choice.enum, enum.Enum), where
        assert str(choice) == "|".join(str(m.value) for m in choice.enum), where
        assert choice(next(iter(choice.enum)).value) is next(iter(choice.enum))

    helped = runner.invoke(app, ["governance", "vote", "--help"], terminal_width=200)
    assert "<for|against|abstain>" in helped.output
    refused = runner.invoke(app, ["governance", "vote", "1", "--choice", "maybe"])
    assert refused.exit_code == 2
    assert "'maybe' is not one of for, against, abstain." in refused.output
    listed = runner.invoke(app, ["approvals", "list", "--status", "pending", "--status", "x"])
    assert listed.exit_code == 2
    assert "'x' is not one of pending, approved, rejected, withdrawn." in " ".join(
        listed.output.replace("│", " ").split()
    )
    assert EnumChoice("registry.governance.rules:Choice")("for") is Choice.FOR
    assert EnumChoice("registry.governance.rules:Choice").complete("a") == ["against", "abstain"]


def test_a_bad_choice_is_refused_in_the_operators_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    refused = runner.invoke(app, ["governance", "vote", "1", "--choice", "misschien"])
    assert refused.exit_code == 2
    assert "'misschien' is geen van for, against, abstain." in refused.output


async def test_serve_demo_migrates_loads_once_and_serves_in_one_process(
    backend: str, new_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`registry serve --demo` (make run): an empty database is migrated and given the demo
    before the server starts; the second start finds the members and loads nothing again."""
    import uvicorn

    url = new_database(backend)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", url)
    # As `make run` starts it: outside development mode the settings check refuses to start
    # without a session secret.
    monkeypatch.setenv("REGISTRY_DEV_MODE", "true")
    get_settings.cache_clear()
    served: list[dict[str, object]] = []

    def serve(app: str, **options: object) -> None:
        served.append({"app": app, **options})

    monkeypatch.setattr(uvicorn, "run", serve)
    try:
        first = await invoke("serve", "--demo", "--port", "8123")
        assert first.exit_code == 0, first.output
        assert "Database at revision head" in first.output
        assert "Demo data loaded" in first.output
        # make run has no mail server: it says where the mail is read instead.
        assert "No mail server" in first.output
        assert "/berichten" in first.output
        engine = create_engine(url)
        try:
            factory = create_session_factory(engine)
            counts = [await _count(factory, m) for m in (Member, Application, PopulationFigure)]
            assert counts[0] > 0
            assert counts[1] > 0
            # Every shipped year's figures: 355 municipalities in 2020, then 352, 345, 342, ...
            assert counts[2] == 355 + 352 + 345 + 342 + 342 + 342
            second = await invoke("serve", "--demo")
            assert second.exit_code == 0, second.output
            assert "not loaded again" in second.output
            assert [await _count(factory, m) for m in (Member, Application, PopulationFigure)] == (
                counts
            )
        finally:
            await engine.dispose()
    finally:
        get_settings.cache_clear()
    assert [s["app"] for s in served] == ["registry.app:create_app"] * 2
    assert served[0]["factory"] is True
    assert served[0]["port"] == 8123


async def test_one_process_only_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's job queue and write lock live in one process: no separate worker, no
    second service process."""
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'r.sqlite3'}")
    monkeypatch.setenv("REGISTRY_SESSION_SECRET", secrets.token_urlsafe(48))
    get_settings.cache_clear()
    try:
        worker = await invoke("worker", "--until-empty")
        assert worker.exit_code == 2
        assert "needs REGISTRY_DATABASE_URL=postgresql" in worker.output
        serve = await invoke("serve", "--workers", "2")
        assert serve.exit_code == 2
        assert "more than one process needs PostgreSQL" in serve.output
    finally:
        get_settings.cache_clear()


async def test_invoices_run_does_not_issue_with_four_eyes_on(
    cli_db: str,
    cli_demo: None,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A command is no person: with four-eyes approval on it does not issue, and stores no
    draft either."""
    async with session_factory() as session:
        before = await session.scalar(select(func.count()).select_from(Invoice))
    monkeypatch.setenv("REGISTRY_FOUR_EYES", "true")
    get_settings.cache_clear()
    refused = await invoke("invoices", "run", "--issue")
    assert refused.exit_code == 1
    assert "Four-eyes approval is on" in refused.output
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Invoice)) == before
