"""Adoption and usage in the database: refusals, usage rights, idempotent and bulk usage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.catalogue.models import ApplicationStatus, CommunityMember, JoinStage
from registry.catalogue.service import ApplicationInput, create_application
from registry.fees.service import NoticeInput, give_notice
from registry.kit.errors import ValidationFailed
from registry.members import repository as members
from registry.usage.adoptions import AdoptionInput, adopt, adoptions_of, advance, users_of
from registry.usage.history import record_history
from registry.usage.models import AdoptionStage, UsageRecord
from registry.usage.records import UsageInput, record_usage
from tests.helpers.cooperative import ACTOR

TODAY = date(2026, 11, 23)


@pytest.fixture
async def apps(cooperative: AsyncSession) -> AsyncSession:
    for slug, status in (("zaken", ApplicationStatus.PRODUCTION), ("idee", ApplicationStatus.IDEA)):
        await create_application(
            cooperative, ACTOR, slug, ApplicationInput(name=slug.title()), status
        )
    return cooperative


async def _adopt(session: AsyncSession, member: str = "woerden", app: str = "zaken") -> int:
    adoption = await adopt(session, ACTOR, AdoptionInput(member, app, date(2021, 1, 15)), TODAY)
    return adoption.id


async def test_adoption_grants_a_usage_right_and_a_place_in_the_community(
    apps: AsyncSession,
) -> None:
    adoption_id = await _adopt(apps)
    member = await members.member_by_code(apps, "woerden")
    assert member is not None
    (view,) = await adoptions_of(apps, ACTOR, member.id)
    assert view.right is not None
    assert (view.right.licence, view.right.start_date, view.right_ends) == (
        "EUPL-1.2",
        date(2021, 1, 15),
        None,
    )
    community = list(await apps.scalars(select(CommunityMember)))
    assert [(c.member_id, c.stage) for c in community] == [(member.id, JoinStage.COMPLETE_PACKAGE)]
    await advance(apps, ACTOR, adoption_id, AdoptionStage.IN_PRODUCTION, date(2022, 3, 1), TODAY)
    users = await users_of(apps, view.application.id)
    assert [m.code for m in users.members] == ["woerden"]
    assert users.inhabitants == 52_299
    await advance(apps, ACTOR, adoption_id, AdoptionStage.PHASED_OUT, date(2025, 12, 31), TODAY)
    (ended,) = await adoptions_of(apps, ACTOR, member.id)
    assert ended.right_ends == date(2025, 12, 31)
    assert (await users_of(apps, view.application.id)).members == ()


async def test_adoption_refusals(apps: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as future:
        await adopt(apps, ACTOR, AdoptionInput("woerden", "zaken", date(2027, 1, 1)), TODAY)
    assert future.value.errors[0].code == "in_future"
    assert future.value.errors[0].text("nl") == "De datum van verwerving ligt in de toekomst."
    with pytest.raises(ValidationFailed) as not_member:
        await adopt(apps, ACTOR, AdoptionInput("woerden", "zaken", date(2019, 6, 1)), TODAY)
    assert not_member.value.errors[0].code == "not_active_member"
    assert not_member.value.errors[0].text("nl").endswith(" is op 1 juni 2019 geen actief lid.")
    await _adopt(apps)
    with pytest.raises(ValidationFailed) as twice:
        await _adopt(apps)
    assert twice.value.errors[0].code == "already_adopted"
    idea = await _adopt(apps, app="idee")
    with pytest.raises(ValidationFailed) as not_ready:
        await advance(apps, ACTOR, idea, AdoptionStage.IN_PRODUCTION, date(2022, 1, 1), TODAY)
    assert not_ready.value.errors[0].code == "application_not_ready"


async def test_the_right_ends_with_the_membership(apps: AsyncSession) -> None:
    await _adopt(apps)
    member = await members.member_by_code(apps, "woerden")
    assert member is not None
    (membership,) = (await members.memberships_of_members(apps, [member.id]))[member.id]
    await give_notice(apps, ACTOR, NoticeInput(membership.id, date(2020, 3, 1), date(2020, 12, 31)))
    (view,) = await adoptions_of(apps, ACTOR, member.id)
    assert view.right_ends == date(2020, 12, 31)


def _usage(period: str, quantity: str, metric: str = "transactions") -> UsageInput:
    return UsageInput("woerden", "zaken", period, metric, Decimal(quantity))


async def test_reporting_again_replaces_and_the_audit_log_keeps_the_old_value(
    apps: AsyncSession,
) -> None:
    await _adopt(apps)
    first = await record_usage(apps, ACTOR, [_usage("2026-01", "100"), _usage("2026-02", "5")])
    assert (first.created, first.replaced) == (2, 0)
    again = await record_usage(apps, ACTOR, [_usage("2026-01", "120"), _usage("2026-02", "5")])
    assert (again.created, again.replaced, again.unchanged) == (0, 1, 1)
    quantities = {r.period.month: r.quantity for r in await apps.scalars(select(UsageRecord))}
    assert quantities == {1: Decimal("120"), 2: Decimal("5")}
    events = list(
        await apps.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "usage_records")
            .order_by(AuditEvent.seq)
        )
    )
    assert len(events) == 2, "one event per report, not one per record"
    assert '"quantity":"100"' in (events[1].before or "")
    assert '"quantity":"120"' in (events[1].after or "")
    assert '"2026-02"' not in (events[1].after or ""), "an unchanged value is not written again"


async def test_each_records_history_is_read_back_from_the_change_sets(apps: AsyncSession) -> None:
    """One audit event per report still tells, per record, every value it had and who gave it."""
    await _adopt(apps)
    await record_usage(apps, ACTOR, [_usage("2026-01", "100"), _usage("2026-01", "7", "documents")])
    await record_usage(apps, ACTOR, [_usage("2026-01", "100"), _usage("2026-02", "3")])
    await record_usage(
        apps, ACTOR, [_usage("2026-01", "120.5"), _usage("2026-01", "8", "documents")]
    )
    record = await apps.scalar(
        select(UsageRecord).where(
            UsageRecord.period == date(2026, 1, 1), UsageRecord.metric == "transactions"
        )
    )
    assert record is not None
    history = await record_history(
        apps, record.member_id, record.application_id, date(2026, 1, 1), "transactions"
    )
    assert [(h.before, h.after) for h in history] == [
        (None, Decimal("100")),
        (Decimal("100"), Decimal("120.5")),
    ]
    assert history[0].seq < history[1].seq
    assert {h.actor for h in history} == {ACTOR.label}
    documents = await record_history(
        apps, record.member_id, record.application_id, date(2026, 1, 1), "documents"
    )
    assert [(h.before, h.after) for h in documents] == [
        (None, Decimal("7")),
        (Decimal("7"), Decimal("8")),
    ]
    assert history[-1].after == record.quantity


async def test_a_bulk_call_stores_all_or_nothing_and_names_every_bad_record(
    apps: AsyncSession,
) -> None:
    await _adopt(apps)
    await create_application(
        apps, ACTOR, "ander", ApplicationInput(name="Ander"), ApplicationStatus.PRODUCTION
    )
    bad = [
        _usage("2026-01", "1"),
        _usage("2026-01", "1", metric="kopjes"),
        _usage("2026-02", "-3"),
        _usage("2020-12", "1"),
        UsageInput("woerden", "ander", "2026-01", "transactions", Decimal(1)),
        _usage("2026-13", "1"),
    ]
    with pytest.raises(ValidationFailed) as refused:
        await record_usage(apps, ACTOR, bad)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("records[1].metric", "unknown_metric"),
        ("records[2].quantity", "negative_quantity"),
        ("records[3].period", "before_adoption"),
        ("records[4].member", "no_usage_right"),
        ("records[5].period", "invalid_period"),
    ]
    assert await apps.scalar(select(func.count()).select_from(UsageRecord)) == 0


async def test_usage_of_a_month_still_to_come_is_refused(apps: AsyncSession) -> None:
    """2031 was once accepted and became billable; the current month is the last one."""
    await _adopt(apps)
    with pytest.raises(ValidationFailed) as refused:
        await record_usage(apps, ACTOR, [_usage("2031-01", "5")], today=TODAY)
    (error,) = refused.value.errors
    assert (error.field, error.code) == ("records[0].period", "future_period")
    assert error.text("nl") == (
        "2031-01 ligt in de toekomst; registreer gebruik tot en met de huidige maand (2026-11)."
    )
    assert (
        error.text("en")
        == "2031-01 is in the future; report usage up to the current month (2026-11)"
    )
    assert await apps.scalar(select(func.count()).select_from(UsageRecord)) == 0
    done = await record_usage(apps, ACTOR, [_usage("2026-11", "5")], today=TODAY)
    assert done.created == 1
