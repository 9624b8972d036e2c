"""Adoption, usage rights, usage records and tariffs. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import Change, record, record_many
from registry.audit.snapshot import snapshot
from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.catalogue import repository as catalogue
from registry.catalogue.models import Application, ApplicationStatus, CommunityMember, JoinStage
from registry.db import serialise
from registry.kit import clock
from registry.kit.errors import ErrorCollector, Forbidden, NotFound, RefusedValue, ValidationFailed
from registry.kit.money import parse_rate
from registry.members import repository as members
from registry.members.lookup import member_or_refuse, unknown_member
from registry.members.service import (
    decision_of_any,
    is_member_on,
    membership_end,
    membership_end_of,
)
from registry.usage import repository
from registry.usage.errors import MetricName, UsageRefusal
from registry.usage.models import (
    Adoption,
    AdoptionStage,
    Metric,
    UsageRecord,
    UsageRight,
    UsageTariff,
)
from registry.usage.rules import (
    Tariff,
    Usage,
    UsageFeeLine,
    check_advance,
    month_of,
    parse_metric,
    parse_period,
    parse_quantity,
    right_covers,
    stage_field,
    usage_fees,
)
from registry.usage.users import IN_USE, NO_USERS, Users, users_of_applications

MAX_BULK = 5000
"""Records per bulk call: enough for a month of a large member, small enough for one request."""


async def _application(session: AsyncSession, slug: str, field: str = "application") -> Application:
    application = await catalogue.application_by_slug(session, slug)
    if application is None:
        raise ValidationFailed.single(field, UsageRefusal.UNKNOWN_APPLICATION, application=slug)
    return application


def _join_stage(status: ApplicationStatus) -> JoinStage:
    if status in (ApplicationStatus.IDEA, ApplicationStatus.EXPLORATION):
        return JoinStage.IDEA
    if status is ApplicationStatus.BUILD:
        return JoinStage.DEVELOPMENT
    return JoinStage.COMPLETE_PACKAGE


@dataclass(frozen=True, slots=True)
class AdoptionInput:
    member: str
    application: str
    acquisition_on: date
    module: str = ""
    version: str = ""
    contact_name: str = ""
    contact_email: str = ""


async def adopt(session: AsyncSession, actor: Actor, data: AdoptionInput, today: date) -> Adoption:
    """A member starts using an application: adoption, usage right, community participation."""
    member = await member_or_refuse(session, data.member)
    if not allows(actor, Permission.ADOPTION_MANAGE, member.id):
        raise Forbidden(UsageRefusal.ADOPT_FORBIDDEN)
    application = await _application(session, data.application)
    errors = ErrorCollector()
    if data.acquisition_on > today:
        errors.add("acquisitionOn", UsageRefusal.ACQUISITION_IN_FUTURE)
    if not await is_member_on(session, member.id, data.acquisition_on):
        errors.add(
            "member", UsageRefusal.NOT_ACTIVE_MEMBER, member=member.name, day=data.acquisition_on
        )
    if application.status is ApplicationStatus.RETIRED:
        errors.add("application", UsageRefusal.APPLICATION_RETIRED, application=application.name)
    existing = (await repository.adoptions_of_members(session, [member.id]))[member.id]
    if any(
        a.application_id == application.id and a.stage is not AdoptionStage.PHASED_OUT
        for a in existing
    ):
        errors.add(
            "application",
            UsageRefusal.ALREADY_ADOPTED,
            member=member.name,
            application=application.name,
        )
    errors.raise_if_any()
    adoption = Adoption(
        member_id=member.id,
        application_id=application.id,
        stage=AdoptionStage.ACQUISITION,
        acquisition_on=data.acquisition_on,
        module=data.module.strip(),
        version=data.version.strip(),
        contact_name=data.contact_name.strip(),
        contact_email=data.contact_email.strip(),
    )
    session.add(adoption)
    await session.flush()
    right = UsageRight(
        adoption_id=adoption.id,
        member_id=member.id,
        application_id=application.id,
        licence=application.licence,
        start_date=data.acquisition_on,
    )
    session.add(right)
    changes = [
        Change("create", "adoption", str(adoption.id), None, snapshot(adoption), member.id),
    ]
    community = await catalogue.community_of(session, application.id)
    if all(c.member_id != member.id for c in community):
        joined = CommunityMember(
            application_id=application.id,
            member_id=member.id,
            stage=_join_stage(application.status),
            joined_on=data.acquisition_on,
        )
        session.add(joined)
        await session.flush()
        changes.append(
            Change("create", "community_member", str(joined.id), None, snapshot(joined), member.id)
        )
    await session.flush()
    changes.append(Change("create", "usage_right", str(right.id), None, snapshot(right), member.id))
    await record_many(session, actor, changes)
    return adoption


async def advance(
    session: AsyncSession,
    actor: Actor,
    adoption_id: int,
    stage: AdoptionStage,
    on: date,
    today: date,
    member: str | None = None,
) -> Adoption:
    """Move an adoption forward; phasing out completely ends the usage right that day.

    `member`, when given, must be the adoption's member (the API names it to authorise).
    """
    adoption = await repository.adoption_by_id(session, adoption_id)
    owner = await members.members_by_ids(session, [adoption.member_id]) if adoption else {}
    if adoption is None or (member is not None and owner[adoption.member_id].code != member):
        if member is None:
            raise NotFound(UsageRefusal.NO_ADOPTION, adoption=str(adoption_id))
        raise NotFound(UsageRefusal.NO_ADOPTION_OF, adoption=str(adoption_id), member=member)
    if not allows(actor, Permission.ADOPTION_MANAGE, adoption.member_id):
        raise Forbidden(UsageRefusal.ADVANCE_FORBIDDEN)
    application = (await catalogue.applications_by_ids(session, [adoption.application_id]))[
        adoption.application_id
    ]
    previous = getattr(adoption, stage_field(adoption.stage))
    check_advance(adoption.stage, stage, on, previous, today, application.status)
    before = snapshot(adoption)
    adoption.stage = stage
    setattr(adoption, stage_field(stage), on)
    changes = []
    if stage is AdoptionStage.PHASED_OUT:
        right = await repository.right_of_adoption(session, adoption.id)
        if right is not None:
            right_before = snapshot(right)
            right.end_date = on
            changes.append(
                Change(
                    "end",
                    "usage_right",
                    str(right.id),
                    right_before,
                    snapshot(right),
                    right.member_id,
                )
            )
    await session.flush()
    changes.insert(
        0,
        Change(
            "advance", "adoption", str(adoption.id), before, snapshot(adoption), adoption.member_id
        ),
    )
    await record_many(session, actor, changes)
    return adoption


async def effective_end(session: AsyncSession, right: UsageRight) -> date | None:
    """A usage right ends with its adoption, or with the membership, whichever is first."""
    return _right_ends(right, await membership_end(session, right.member_id))


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
    errors = ErrorCollector()
    rows: dict[tuple[int, int, date, str], tuple[int, Decimal]] = {}
    scope = actor.token_scope
    for i, item in enumerate(items):
        where = f"records[{i}]"
        member = by_code.get(item.member)
        application = by_slug.get(item.application)
        if member is None:
            errors.errors.append(unknown_member(f"{where}.member", item.member))
        elif not allows(actor, Permission.USAGE_WRITE, member.id):
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
        held = rights.get((member.id, application.id), [])
        if not held:
            errors.add(
                f"{where}.member",
                UsageRefusal.NO_USAGE_RIGHT,
                member=member.name,
                application=application.name,
            )
            continue
        if period < min(month_of(r.start_date) for r in held):
            errors.add(
                f"{where}.period",
                UsageRefusal.BEFORE_ADOPTION,
                period=item.period,
                member=member.name,
                application=application.name,
            )
            continue
        if not any(
            right_covers(r.start_date, _earliest(r.end_date, ends[member.id]), period) for r in held
        ):
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
    return await _upsert(session, actor, rows)


def _earliest(first: date | None, second: date | None) -> date | None:
    ends = [d for d in (first, second) if d is not None]
    return min(ends) if ends else None


async def _upsert(
    session: AsyncSession,
    actor: Actor,
    rows: dict[tuple[int, int, date, str], tuple[int, Decimal]],
) -> UsageResult:
    # Reports of one member at the same moment follow each other: the later one replaces.
    await serialise(session, *(f"usage:member={member_id}" for member_id, *_ in rows))
    existing = await repository.records_by_keys(session, list(rows))
    inserts = []
    updates = []
    changes = []
    unchanged = 0
    for key, (_, quantity) in rows.items():
        member_id, application_id, period, metric = key
        values = {
            "member_id": member_id,
            "application_id": application_id,
            "period": period.isoformat(),
            "metric": metric,
        }
        found = existing.get(key)
        if found is None:
            inserts.append(
                {
                    "member_id": member_id,
                    "application_id": application_id,
                    "period": period,
                    "metric": metric,
                    "quantity": quantity,
                    "recorded_by": actor.label,
                }
            )
            changes.append(
                Change(
                    "create",
                    "usage_record",
                    _record_id(key),
                    None,
                    {**values, "quantity": str(quantity)},
                    member_id,
                )
            )
        elif found.quantity == quantity:
            unchanged += 1
        else:
            updates.append({"id": found.id, "quantity": quantity, "recorded_by": actor.label})
            changes.append(
                Change(
                    "replace",
                    "usage_record",
                    _record_id(key),
                    {**values, "quantity": str(found.quantity)},
                    {**values, "quantity": str(quantity)},
                    member_id,
                )
            )
    if inserts:
        await session.execute(insert(UsageRecord), inserts)
    if updates:
        # ORM bulk UPDATE by primary key: one executemany for every replaced value.
        await session.execute(update(UsageRecord), updates)
    await record_many(session, actor, changes)
    return UsageResult(created=len(inserts), replaced=len(updates), unchanged=unchanged)


def _record_id(key: tuple[int, int, date, str]) -> str:
    member_id, application_id, period, metric = key
    return f"{member_id}/{application_id}/{period.strftime('%Y-%m')}/{metric}"


async def set_tariff(
    session: AsyncSession,
    actor: Actor,
    application_slug: str,
    metric: str,
    price: str,
    valid_from: str,
    decision_reference: str,
) -> UsageTariff:
    """Euro per unit of a metric from a month on, set by a recorded decision."""
    if not allows(actor, Permission.FEES_MANAGE):
        raise Forbidden(UsageRefusal.TARIFF_FORBIDDEN)
    errors = ErrorCollector()
    application = await errors.check_awaitable(_application(session, application_slug))
    kind = errors.check(lambda: parse_metric(metric))
    month = errors.check(lambda: parse_period(valid_from, "validFrom"))
    amount = None
    try:
        amount = parse_rate(price)
    except RefusedValue as exc:
        errors.add("price", UsageRefusal.INVALID_PRICE, reason=exc.phrase)
    decision = await errors.check_awaitable(
        decision_of_any(session, decision_reference, "decision")
    )
    errors.raise_if_any()
    assert application is not None
    assert kind is not None
    assert month is not None
    assert amount is not None
    assert decision is not None
    tariffs = await repository.tariffs_of(session, [application.id])
    if any(t.metric is kind and t.valid_from == month for t in tariffs):
        raise ValidationFailed.single(
            "validFrom", UsageRefusal.TARIFF_EXISTS, metric=MetricName.of(kind), month=valid_from
        )
    tariff = UsageTariff(
        application_id=application.id,
        metric=kind,
        price=amount,
        valid_from=month,
        decision_id=decision.id,
    )
    session.add(tariff)
    await session.flush()
    await record(
        session,
        actor,
        operation="create",
        entity_type="usage_tariff",
        entity_id=str(tariff.id),
        before=None,
        after=snapshot(tariff, decision=decision.reference),
    )
    return tariff


async def usage_fee_preview(
    session: AsyncSession, actor: Actor, member_code: str, first: str, last: str
) -> list[UsageFeeLine]:
    """The usage fees of a member over a range of months, from its records and the tariffs."""
    member = await member_or_refuse(session, member_code)
    if not allows(actor, Permission.MEMBER_READ_PRIVATE, member.id):
        raise Forbidden(UsageRefusal.USAGE_PRIVATE)
    start = parse_period(first, "from")
    end = parse_period(last, "to")
    records = await repository.records_of_member(session, member.id, start, end)
    applications = await catalogue.applications_by_ids(
        session, sorted({r.application_id for r in records})
    )
    tariffs = await repository.tariffs_of(session, list(applications))
    decisions = await members.decisions_by_ids(session, sorted({t.decision_id for t in tariffs}))
    return usage_fees(
        [
            Usage(applications[r.application_id].slug, r.period, r.metric, r.quantity)
            for r in records
        ],
        [
            Tariff(
                applications[t.application_id].slug,
                t.metric,
                t.price,
                t.valid_from,
                decisions[t.decision_id].reference,
            )
            for t in tariffs
        ],
    )


async def users_of(session: AsyncSession, application_id: int) -> Users:
    found = await users_of_applications(session, [application_id])
    return found.get(application_id, NO_USERS)


async def applications_in_use(session: AsyncSession, member_id: int) -> list[Application]:
    return (await applications_in_use_of_members(session, [member_id]))[member_id]


async def applications_in_use_of_members(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[Application]]:
    adoptions = await repository.adoptions_of_members(session, member_ids)
    in_use = {i: {a.application_id for a in adoptions[i] if a.stage in IN_USE} for i in member_ids}
    found = await catalogue.applications_by_ids(
        session, sorted({a for ids in in_use.values() for a in ids})
    )
    return {i: sorted((found[a] for a in ids), key=lambda a: a.name) for i, ids in in_use.items()}


@dataclass(frozen=True, slots=True)
class AdoptionView:
    adoption: Adoption
    application: Application
    right: UsageRight | None
    right_ends: date | None


async def adoptions_of(session: AsyncSession, actor: Actor, member_id: int) -> list[AdoptionView]:
    """A member's adoptions with their usage rights (for the member, directie and auditors)."""
    return (await adoptions_of_members(session, actor, [member_id]))[member_id]


async def adoptions_of_members(
    session: AsyncSession, actor: Actor, member_ids: Sequence[int]
) -> dict[int, list[AdoptionView]]:
    """Each member's adoptions with their usage rights, in a fixed number of queries."""
    if not all(allows(actor, Permission.MEMBER_READ_PRIVATE, i) for i in member_ids):
        raise Forbidden(UsageRefusal.ADOPTIONS_PRIVATE)
    adoptions = await repository.adoptions_of_members(session, member_ids)
    applications = await catalogue.applications_by_ids(
        session, sorted({a.application_id for adopted in adoptions.values() for a in adopted})
    )
    rights = await repository.rights_for(
        session,
        [(a.member_id, a.application_id) for adopted in adoptions.values() for a in adopted],
    )
    by_adoption = {r.adoption_id: r for rs in rights.values() for r in rs}
    memberships = await members.memberships_of_members(session, member_ids)
    ended = {i: membership_end_of(ms) for i, ms in memberships.items()}
    views: dict[int, list[AdoptionView]] = {i: [] for i in member_ids}
    for member_id, adopted in adoptions.items():
        for adoption in adopted:
            right = by_adoption.get(adoption.id)
            views[member_id].append(
                AdoptionView(
                    adoption,
                    applications[adoption.application_id],
                    right,
                    _right_ends(right, ended[member_id]) if right else None,
                )
            )
    return views


def _right_ends(right: UsageRight, membership_ended: date | None) -> date | None:
    ends = [d for d in (right.end_date, membership_ended) if d is not None]
    return min(ends) if ends else None


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


async def right_view(session: AsyncSession, adoption_id: int) -> UsageRightView | None:
    right = await repository.right_of_adoption(session, adoption_id)
    if right is None:
        return None
    return UsageRightView(right.licence, right.start_date, await effective_end(session, right))


@dataclass(frozen=True, slots=True)
class UsageRightView:
    licence: str
    start_date: date
    end_date: date | None


async def application_slug(session: AsyncSession, application_id: int) -> str:
    return (await catalogue.applications_by_ids(session, [application_id]))[application_id].slug


async def uses_application(session: AsyncSession, member_id: int, application_id: int) -> bool:
    """Takes part: in the application's community, or with an adoption not phased out."""
    community = await catalogue.community_of(session, application_id)
    if any(c.member_id == member_id for c in community):
        return True
    adoptions = (await repository.adoptions_of_members(session, [member_id]))[member_id]
    return any(
        a.application_id == application_id and a.stage is not AdoptionStage.PHASED_OUT
        for a in adoptions
    )


async def usage_totals(
    session: AsyncSession,
    member_ids: Sequence[int],
    application_id: int,
    metric: Metric,
    first: date,
    last: date,
) -> dict[int, Decimal]:
    """Recorded usage per member of one application and metric over a range of months."""
    return await repository.usage_totals(
        session, member_ids, application_id, metric, month_of(first), month_of(last)
    )


async def transfer_member(
    session: AsyncSession, actor: Actor, old_id: int, new_id: int, effective: date
) -> None:
    """After a merger the successor continues the old member's adoptions and usage rights.

    Where the successor already uses the application itself, the old adoption is phased out
    the day before the merger instead. Recorded usage stays with the member that used it.
    """
    found = await repository.adoptions_of_members(session, [old_id, new_id])
    own = {a.application_id for a in found[new_id] if a.stage is not AdoptionStage.PHASED_OUT}
    changes: list[Change] = []
    for adoption in found[old_id]:
        if adoption.stage is AdoptionStage.PHASED_OUT:
            continue
        right = await repository.right_of_adoption(session, adoption.id)
        before = snapshot(adoption)
        right_before = snapshot(right) if right else None
        if adoption.application_id in own:
            adoption.stage = AdoptionStage.PHASED_OUT
            adoption.phased_out_on = effective - timedelta(days=1)
            if right is not None:
                right.end_date = adoption.phased_out_on
        else:
            adoption.member_id = new_id
            if right is not None:
                right.member_id = new_id
            community = await catalogue.community_of(session, adoption.application_id)
            if all(c.member_id != new_id for c in community):
                session.add(
                    CommunityMember(
                        application_id=adoption.application_id,
                        member_id=new_id,
                        stage=JoinStage.COMPLETE_PACKAGE,
                        joined_on=effective,
                    )
                )
        await session.flush()
        changes.append(
            Change("merge", "adoption", str(adoption.id), before, snapshot(adoption), new_id)
        )
        if right is not None:
            changes.append(
                Change("merge", "usage_right", str(right.id), right_before, snapshot(right), new_id)
            )
    await record_many(session, actor, changes)
