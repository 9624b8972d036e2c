"""The report's data: every euro per member and year, reconciled, reproducible at an event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.repository import head
from registry.auth.roles import Actor, ActorKind, Grant, Role
from registry.billing.invoicing import issue, run_invoices
from registry.billing.payments import record_transfer
from registry.kit.errors import Forbidden, ValidationFailed
from registry.reports.collect import member_reports, report_scope
from registry.reports.model import MemberReport
from registry.reports.service import Prepared, prepare
from registry.usage.records import UsageInput, record_usage
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members

__all__ = ["billed", "cooperative", "pool_members"]


async def _members(session: AsyncSession, prepared: Prepared) -> dict[str, MemberReport]:
    header = prepared.header
    return {m.code: m async for m in member_reports(session, header.scope, prepared.later)}


async def _issue_all(session: AsyncSession) -> None:
    for draft in await run_invoices(session, ACTOR, TODAY):
        await issue(session, ACTOR, draft.id, TODAY, SETTINGS)


async def test_contributions_of_the_year_with_their_inputs(billed: AsyncSession) -> None:
    session = billed
    await _issue_all(session)
    prepared = await prepare(session, ACTOR, 2020)
    members = await _members(session, prepared)
    woerden = members["woerden"].contribution
    assert woerden is not None
    assert (woerden.inhabitants, woerden.rate, woerden.amount_cents) == (
        52_299,
        Decimal("0.35"),
        1_830_465,
    )
    assert woerden.reference_date == date(2020, 1, 1)
    assert "CBS" in woerden.figures_source
    assert members["gr-meierijstad-noord"].contribution.amount_cents == 2_100_315  # type: ignore[union-attr]
    assert prepared.totals.contributions_cents == 1_830_465 + 2_100_315 + 8_203_790
    assert prepared.findings == []  # all of it invoiced (on 2023 invoices)
    assert prepared.totals.billable_cents == prepared.totals.billed_cents


async def test_shares_usage_and_the_account_reconcile(billed: AsyncSession) -> None:
    session = billed
    await _issue_all(session)
    drafts = await run_invoices(session, ACTOR, TODAY)
    assert drafts == []
    prepared = await prepare(session, ACTOR, 2023)
    members = await _members(session, prepared)
    woerden = members["woerden"]
    (pool,) = woerden.pools
    assert (pool.pool_code, pool.key, pool.pool_total_cents, pool.share_cents) == (
        "zaak-ontwikkeling",
        "inhabitants",
        2_500_000,
        377_118,
    )
    (usage,) = woerden.usage
    assert (usage.application, usage.metric, usage.quantity, usage.amount_cents) == (
        "zaakafhandeling",
        "active_users",
        Decimal(200),
        11_000,
    )
    account = woerden.account
    assert account.documents == 1
    assert account.invoiced_cents == 2_220_893
    assert account.outstanding_cents == 2_220_893
    totals = prepared.totals
    assert totals.member_shares_cents == totals.pools_cents == 2_500_000
    assert prepared.findings == []

    invoice_id = await _woerden_invoice(session)
    await record_transfer(session, ACTOR, invoice_id, "1000", TODAY, "NL-BANK-1", TODAY)
    again = await prepare(session, ACTOR, 2023)
    paid = (await _members(session, again))["woerden"].account
    assert (paid.paid_bank_cents, paid.outstanding_cents) == (100_000, 2_120_893)
    assert again.header.inputs_sha256 != prepared.header.inputs_sha256


async def _woerden_invoice(session: AsyncSession) -> int:
    from sqlalchemy import select

    from registry.billing.models import Invoice

    found = await session.scalar(select(Invoice.id).where(Invoice.member_code == "woerden"))
    assert found is not None
    return found


async def test_a_report_as_of_an_earlier_event_is_the_report_made_then(
    billed: AsyncSession,
) -> None:
    session = billed
    then = await prepare(session, ACTOR, 2023)
    seq, _ = await head(session)
    assert then.header.scope.as_of_seq == seq
    assert {f.code for f in then.findings} == {"not_yet_invoiced"}

    await _issue_all(session)
    await record_usage(
        session,
        ACTOR,
        [UsageInput("woerden", "zaakafhandeling", "2023-05", "active_users", Decimal(150))],
    )
    now = await prepare(session, ACTOR, 2023)
    assert now.header.inputs_sha256 != then.header.inputs_sha256
    reproduced = await prepare(session, ACTOR, 2023, as_of=seq)
    assert reproduced.header == then.header
    assert reproduced.totals == then.totals
    assert reproduced.findings == then.findings
    woerden = (await _members(session, reproduced))["woerden"]
    assert woerden.usage[0].quantity == Decimal(200)  # 101 + 99, before the correction
    assert woerden.account.documents == 0


async def test_who_may_export(billed: AsyncSession) -> None:
    session = billed
    woerden_id = await _member_id(session, "woerden")
    admin = Actor(
        ActorKind.USER, "admin", 7, grants=frozenset({Grant(Role.MEMBER_ADMIN, woerden_id)})
    )
    auditor = Actor(ActorKind.USER, "auditor", 8, grants=frozenset({Grant(Role.AUDITOR)}))
    assert (await prepare(session, admin, 2020, "woerden")).header.members == 1
    assert (await prepare(session, auditor, 2020)).header.members == 3
    for member in (None, "eindhoven"):
        with pytest.raises(Forbidden):
            await prepare(session, admin, 2020, member)
    with pytest.raises(ValidationFailed) as refused:
        await prepare(session, auditor, 2020, as_of=10**9)
    assert refused.value.errors[0].code == "unknown_event"
    with pytest.raises(ValidationFailed) as refused:
        await prepare(session, auditor, 2020, "nobody")
    assert refused.value.errors[0].code == "unknown_member"


async def _member_id(session: AsyncSession, code: str) -> int:
    from registry.members.repository import member_by_code

    member = await member_by_code(session, code)
    assert member is not None
    return member.id


async def test_a_year_that_has_not_begun_is_refused(billed: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await report_scope(billed, 2031, None, None, today=date(2026, 11, 23))
    (error,) = refused.value.errors
    assert (error.field, error.code) == ("year", "future_year")
    assert error.text("nl") == "2031 is nog niet begonnen; kies een jaar tot en met 2026."
    assert error.text("en") == "2031 has not begun; choose a year up to 2026"
    scope = await report_scope(billed, 2026, None, None, today=date(2026, 11, 23))
    assert scope.year == 2026


async def test_the_report_reads_all_members_with_as_many_statements_as_one(
    billed: AsyncSession,
) -> None:
    """Members are read in batches: the statements do not grow with the number of members."""
    await _issue_all(billed)
    counts = {}
    for member_code in ("woerden", None):
        seen: list[str] = []

        def count(*args: object, seen: list[str] = seen) -> None:
            seen.append(str(args[2]))

        engine = billed.get_bind().engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            prepared = await prepare(billed, ACTOR, 2023, member_code)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts[member_code] = (prepared.header.members, len(seen))
    (one, one_statements), (every, every_statements) = counts["woerden"], counts[None]
    assert (one, every > 2) == (1, True)
    # One member's scope looks the member up twice more; per member read, it would be 7 more.
    assert every_statements <= one_statements
