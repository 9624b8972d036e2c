"""`registry report quarterly YEAR Q --format pdf|xlsx -o FILE`: the file, twice the same for
the same audit event, and the export in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.audit.repository import head
from tests.helpers.billing import billed, cooperative, pool_members
from tests.helpers.budget import prepare_quarter
from tests.helpers.cli import invoke

__all__ = ["billed", "cooperative", "pool_members"]


@pytest.mark.usefixtures("cli_db")
async def test_the_command_writes_the_report_and_the_same_event_gives_the_same_file(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await prepare_quarter(billed)
    seq, _ = await head(billed)
    await billed.commit()
    files = []
    for n in (1, 2):
        target = tmp_path / f"q3-{n}.pdf"
        done = await invoke(
            "report",
            "quarterly",
            "2023",
            "3",
            "--format",
            "pdf",
            "-o",
            str(target),
            "--as-of",
            str(seq),
        )
        assert done.exit_code == 0, done.output
        files.append(target.read_bytes())
    assert files[0].startswith(b"%PDF")
    assert files[0] == files[1]
    sheet = tmp_path / "q3.xlsx"
    done = await invoke(
        "report",
        "quarterly",
        "2023",
        "3",
        "--format",
        "xlsx",
        "-o",
        str(sheet),
        "--as-of",
        str(seq),
        "--language",
        "en",
    )
    assert done.exit_code == 0, done.output
    book = load_workbook(sheet)
    rows = list(book["Budget and actuals"].iter_rows(values_only=True))
    assert rows[0] == ("Kind", "Item", "Budget", "Actual", "Difference")
    assert ("Income", "Usage fees", 10000.0, 110.0, -9890.0) in rows
    refused = await invoke("report", "quarterly", "2023", "7", "-o", str(tmp_path / "x.pdf"))
    assert refused.exit_code == 1
    async with session_factory() as session:
        exports = list(
            await session.scalars(
                select(AuditEvent.actor_label).where(AuditEvent.entity_type == "quarterly_report")
            )
        )
    assert exports == ["cli:report"] * 3
