"""Whether the service can take work, and the figures `/metrics` shows, without any web framework.

`/readyz` asks every check in `READINESS_CHECKS` and those the app adds when it is composed
(the job queue's, for one); each answers None when all is well or a short reason (English, for
operators and their monitoring) when not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from registry.audit.models import AuditChainHead
from registry.billing.models import Invoice, InvoiceStatus
from registry.kit.clock import today

ReadinessCheck = Callable[[AsyncEngine], Awaitable[str | None]]
"""A check: None when ready, else why not."""

CHECK_TIMEOUT_SECONDS = 3.0
"""A check that takes longer than this counts as failed: the checks run side by side, so
`/readyz` answers within this time, before a load balancer's probe (commonly 5 s) gives up."""


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    run: ReadinessCheck


async def database_reachable(engine: AsyncEngine) -> str | None:
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        return f"the database cannot be reached ({type(error).__name__})"
    return None


def _head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from registry.migrate import alembic_config

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def _current_revisions(connection: AsyncConnection) -> set[str]:
    rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
    return {row[0] for row in rows}


async def migrations_at_head(engine: AsyncEngine) -> str | None:
    heads = await asyncio.to_thread(_head_revisions)
    try:
        async with engine.connect() as connection:
            current = await _current_revisions(connection)
    except (SQLAlchemyError, OSError):
        return "the migration state cannot be read (run `registry migrate`)"
    if current != heads:
        return (
            f"the database is at {', '.join(sorted(current)) or 'no revision'}, "
            f"not at {', '.join(sorted(heads))} (run `registry migrate`)"
        )
    return None


READINESS_CHECKS: list[Check] = [
    Check("database", database_reachable),
    Check("migrations", migrations_at_head),
]
"""The checks every service has, in order."""


async def readiness(engine: AsyncEngine, more: Sequence[Check] = ()) -> dict[str, str | None]:
    """Every check's answer by name (None: ready): the built-in ones, then `more`."""
    checks = [*READINESS_CHECKS, *more]

    async def run(check: Check) -> str | None:
        try:
            return await asyncio.wait_for(check.run(engine), CHECK_TIMEOUT_SECONDS)
        except TimeoutError:
            return f"no answer within {CHECK_TIMEOUT_SECONDS:g} seconds"

    answers = await asyncio.gather(*(run(check) for check in checks))
    return {check.name: answer for check, answer in zip(checks, answers, strict=True)}


@dataclass(frozen=True, slots=True)
class Figures:
    """What `/metrics` reads from the database at scrape time: two indexed, cheap queries."""

    overdue_invoices: int
    audit_head_seq: int


async def current_figures(engine: AsyncEngine) -> Figures:
    open_statuses = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)
    async with engine.connect() as connection:
        overdue = await connection.scalar(
            select(func.count())
            .select_from(Invoice)
            .where(Invoice.status.in_(open_statuses), Invoice.due_date < today())
        )
        head = await connection.scalar(select(AuditChainHead.last_seq))
    return Figures(overdue_invoices=int(overdue or 0), audit_head_seq=int(head or 0))
