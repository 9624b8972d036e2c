"""`registry year close|reopen|status`, on a real database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.db import transaction
from registry.kit.labels import label
from registry.members.decisions import DecisionInput, record_decision
from registry.members.registration import MemberInput, create_member
from registry.settings import get_settings
from registry.years.models import YearStatus
from registry.years.service import closed_years
from tests.helpers.cli import invoke
from tests.helpers.cooperative import ACTOR


async def test_closing_a_year_from_the_command_line(
    cli_db: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with transaction(session_factory) as session:
        for reference, on in (("DIR-2025-03", date(2025, 3, 1)), ("DIR-2025-06", date(2025, 6, 1))):
            await record_decision(
                session, ACTOR, DecisionInput("directie", on, reference, "jaarrekening 2024")
            )
    closed = await invoke("year", "close", "2024", "--decision", "DIR-2025-03")
    assert closed.exit_code == 0, closed.output
    assert "Financial year 2024 is closed" in closed.output

    refused = await invoke("fees", "run", "2024")
    assert refused.exit_code == 1
    assert "financial year 2024 is closed" in refused.output

    status = await invoke("year", "status")
    assert status.exit_code == 0, status.output
    (line,) = [row for row in status.output.splitlines() if "2024" in row]
    assert label(YearStatus.CLOSED, "en") in line
    assert "DIR-2025-03" in line

    again = await invoke("year", "reopen", "2024", "--decision", "DIR-2025-03")
    assert again.exit_code == 1
    assert "reopening needs a new decision" in again.output
    reopened = await invoke("year", "reopen", "2024", "--decision", "DIR-2025-06")
    assert reopened.exit_code == 0, reopened.output
    status = await invoke("year", "status")
    (line,) = [row for row in status.output.splitlines() if "2024" in row]
    assert label(YearStatus.OPEN, "en") in line
    assert "DIR-2025-06" in line


async def test_with_four_eyes_on_a_command_cannot_close_a_year(
    cli_db: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Closing a year needs a person to prepare it and a second director to approve it."""
    async with transaction(session_factory) as session:
        await record_decision(
            session,
            ACTOR,
            DecisionInput("directie", date(2025, 3, 1), "DIR-2025-03", "jaarrekening 2024"),
        )
    monkeypatch.setenv("REGISTRY_FOUR_EYES", "true")
    get_settings.cache_clear()
    refused = await invoke("year", "close", "2024", "--decision", "DIR-2025-03")
    assert refused.exit_code == 1
    assert "four_eyes_person_required" in refused.output
    async with session_factory() as session:
        assert 2024 not in await closed_years(session)


async def test_opening_balances_from_the_command_line(
    cli_db: str, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with transaction(session_factory) as session:
        await create_member(
            session, ACTOR, MemberInput("woerden", "Gemeente Woerden", "gemeente", [])
        )
    csv_file = tmp_path / "beginbalans.csv"
    csv_file.write_text(
        "member;document;date;due_date;amount;description\n"
        "woerden;VF-2022-0412;2022-11-15;2022-12-15;1.234,56;Contributie 2022\n"
        "woerden;CN-2022-0007;2022-12-20;2022-12-20;-75,00;Tegoed\n",
        encoding="utf-8",
    )
    imported = await invoke("opening-balances", "import", str(csv_file))
    assert imported.exit_code == 0, imported.output
    assert "Imported 1 open invoice(s)" in imported.output
    assert "1 credit balance(s)" in imported.output
    again = await invoke("opening-balances", "import", str(csv_file))
    assert again.exit_code == 1
    assert "imported already" in again.output
