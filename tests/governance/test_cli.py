"""`registry governance meetings` on the demo: the ALV of March 2026 with its outcomes."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from registry.cli import app
from registry.settings import get_settings


async def test_the_meetings_with_their_outcomes(
    demo: AsyncSession, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await demo.commit()
    monkeypatch.setenv("REGISTRY_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        result = await asyncio.to_thread(
            CliRunner().invoke, app, ["governance", "meetings", "--body", "alv"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())  # the console wraps long lines
    assert shown.startswith(
        "2026-03-12 general meeting ALV voorjaar 2026 (meeting; 7 of 8 entitled; quorum met)"
        " 1. Contributie 2027: EUR 0,36 per inwoner: adopted as ALV-2026-03-1: 5 for,"
        " 1 against, 1 abstain 2. Jaarrekening 2025: adopted as ALV-2026-03-2: 7 for,"
        " 0 against, 0 abstain"
    )
