"""Usage records: reported in bulk, all or nothing, and read back. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_many
from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.catalogue import repository as catalogue
from registry.catalogue.models import Application
from registry.db import serialise, upsert
from registry.kit import clock
from registry.kit.errors import ErrorCollector, Forbidden, ValidationFailed
from registry.kit.types import utcnow
from registry.members import repository as members
from registry.members.lookup import unknown_member
from registry.members.memberships import membership_end
from registry.usage import repository
from registry.usage.errors import UsageRefusal
from registry.usage.history import KEY, ChangeSet
from registry.usage.models import (
    UsageRecord,
)
from registry.usage.rules import (
    month_of,
    parse_metric,
    parse_period,
    parse_quantity,
    right_covers,
)
from registry.years.service import refuse_closed

MAX_BULK = 5000
"""Records per bulk call: enough for a month of a large member, small enough for one request."""


@dataclass(frozen=True, slots=True)
class UsageInput:
    member: str
    application: str
    period: str
    metric: str
    quantity: Decimal | str
    """As typed on a page, or a number from the API."""


@dataclass(frozen=True, slots=True)
class UsageResult:
    created: int
    replaced: int
    unchanged: int


async def record_usage(
    session: AsyncSession, actor: Actor, items: Sequence[UsageInput], today: date | None = None
) -> UsageResult:
    """Store usage records all or nothing; the same key again replaces the value.

    Every invalid record is named as `records[i].field`. A token may only report for its own
    member and, when it is limited to one, its own application. A month after the current one
    (on `today`, the clock's date unless given) is refused: usage is reported once it happened.
    """
    current = month_of(today or clock.today())
    if not items:
        raise ValidationFailed.single("records", UsageRefusal.NO_RECORDS)
    if len(items) > MAX_BULK:
        raise ValidationFailed.single(
            "records", UsageRefusal.TOO_MANY_RECORDS, limit=MAX_BULK, given=len(items)
        )
    by_code = await members.members_by_codes(session, sorted({i.member for i in items}))
    by_slug = await catalogue.applications_by_slugs(session, sorted({i.application for i in items}))
    pairs = [
        (by_code[i.member].id, by_slug[i.application].id)
        for i in items
        if i.member in by_code and i.application in by_slug
    ]
    rights = await repository.rights_for(session, pairs)
    ends = {m: await membership_end(session, m) for m in sorted({p[0] for p in pairs})}
    # Per member and application once, not per record: a bulk is thousands of the same pair.
    spans = {
        pair: [(r.start_date, _earliest(r.end_date, ends[pair[0]])) for r in held]
        for pair, held in rights.items()
    }
    first_month = {pair: min(month_of(start) for start, _ in held) for pair, held in spans.items()}
    may_write = {m.id: allows(actor, Permission.USAGE_WRITE, m.id) for m in by_code.values()}
    errors = ErrorCollector()
    rows: dict[tuple[int, int, date, str], tuple[int, Decimal]] = {}
    scope = actor.token_scope
    for i, item in enumerate(items):
        where = f"records[{i}]"
        member = by_code.get(item.member)
        application = by_slug.get(item.application)
        if member is None:
            errors.errors.append(unknown_member(f"{where}.member", item.member))
        elif not may_write[member.id]:
            errors.add(f"{where}.member", UsageRefusal.REPORT_FORBIDDEN, member=item.member)
        if application is None:
            errors.add(
                f"{where}.application",
                UsageRefusal.UNKNOWN_APPLICATION,
                application=item.application,
            )
        elif scope is not None and scope.application_id not in (None, application.id):
            errors.add(
                f"{where}.application",
                UsageRefusal.OUTSIDE_TOKEN_SCOPE,
                application=item.application,
            )
            continue
        period = errors.check(partial(parse_period, item.period, f"{where}.period"))
        metric = errors.check(partial(parse_metric, item.metric, f"{where}.metric"))
        quantity = errors.check(partial(parse_quantity, item.quantity, f"{where}.quantity"))
        if member is None or application is None or period is None:
            continue
        if period > current:
            errors.add(
                f"{where}.period",
                UsageRefusal.FUTURE_PERIOD,
                period=item.period.strip(),
                current=current.strftime("%Y-%m"),
            )
            continue
        held = spans.get((member.id, application.id))
        if not held:
            errors.add(
                f"{where}.member",
                UsageRefusal.NO_USAGE_RIGHT,
                member=member.name,
                application=application.name,
            )
            continue
        if period < first_month[(member.id, application.id)]:
            errors.add(
                f"{where}.period",
                UsageRefusal.BEFORE_ADOPTION,
                period=item.period,
                member=member.name,
                application=application.name,
            )
            continue
        if not any(right_covers(start, end, period) for start, end in held):
            errors.add(
                f"{where}.member",
                UsageRefusal.NO_USAGE_RIGHT_IN,
                member=member.name,
                application=application.name,
                period=item.period,
            )
            continue
        if metric is not None and quantity is not None:
            key = (member.id, application.id, period, metric.value)
            if key in rows:
                errors.add(where, UsageRefusal.DUPLICATE_RECORD)
            rows[key] = (i, quantity)
    errors.raise_if_any()
    await refuse_closed(
        session, {f"records[{i}].period": period for (_, _, period, _), (i, _) in rows.items()}
    )
    return await _upsert(session, actor, rows)


def _earliest(first: date | None, second: date | None) -> date | None:
    ends = [d for d in (first, second) if d is not None]
    return min(ends) if ends else None


async def _upsert(
    session: AsyncSession,
    actor: Actor,
    rows: dict[tuple[int, int, date, str], tuple[int, Decimal]],
) -> UsageResult:
    """Write new and changed records with one statement; one audit event per member's change set.

    The event carries the canonical list of records written (and the values they replaced), so
    each record's history stays in the chain (see `registry.usage.history`).
    """
    # Reports of one member at the same moment follow each other: the later one replaces.
    await serialise(session, *(f"usage:member={member_id}" for member_id, *_ in rows))
    stored = await repository.quantities_by_keys(session, list(rows))
    written: list[dict[str, object]] = []
    sets: dict[int, ChangeSet] = {}
    now = utcnow()
    for key, (_, quantity) in sorted(rows.items()):
        before = stored.get(key)
        if before == quantity:
            continue
        member_id, application_id, period, metric = key
        written.append(
            {
                "member_id": member_id,
                "application_id": application_id,
                "period": period,
                "metric": metric,
                "quantity": quantity,
                "recorded_at": now,
                "recorded_by": actor.label,
            }
        )
        change_set = sets.setdefault(member_id, ChangeSet())
        change_set.add(application_id, period, metric, quantity, before)
    replace = ["quantity", "recorded_at", "recorded_by"]
    await upsert(session, UsageRecord, list(KEY), replace, written)
    await record_many(session, actor, [s.change(member) for member, s in sorted(sets.items())])
    replaced = sum(len(s.replaced) for s in sets.values())
    return UsageResult(
        created=len(written) - replaced, replaced=replaced, unchanged=len(rows) - len(written)
    )


async def usage_of(
    session: AsyncSession, actor: Actor, member_id: int, first: date, last: date
) -> list[tuple[UsageRecord, Application]]:
    return (await usage_of_members(session, actor, [member_id], first, last))[member_id]


async def usage_of_members(
    session: AsyncSession, actor: Actor, member_ids: Sequence[int], first: date, last: date
) -> dict[int, list[tuple[UsageRecord, Application]]]:
    if not all(allows(actor, Permission.MEMBER_READ_PRIVATE, i) for i in member_ids):
        raise Forbidden(UsageRefusal.USAGE_PRIVATE)
    records = await repository.records_of_members(session, member_ids, first, last)
    applications = await catalogue.applications_by_ids(
        session, sorted({r.application_id for rs in records.values() for r in rs})
    )
    return {i: [(r, applications[r.application_id]) for r in rs] for i, rs in records.items()}
