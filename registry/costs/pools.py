"""Cost pools, their entries and participants, and a merger's transfer of participation.

Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded, recording_change
from registry.auth.roles import Actor
from registry.catalogue import repository as catalogue
from registry.costs import repository
from registry.costs.errors import CostsRefusal
from registry.costs.models import (
    CostCategory,
    CostEntry,
    CostPool,
    PoolKind,
    PoolParticipant,
)
from registry.costs.operations import authorise, locked_pool
from registry.costs.sharing import (
    AllocationKey,
    LateJoinerPolicy,
)
from registry.kit.errors import Common, ErrorCollector, RefusedValue, ValidationFailed
from registry.kit.money import parse_euro, to_cents
from registry.members.lookup import member_or_refuse
from registry.members.memberships import is_member_on
from registry.usage.adoptions import uses_application
from registry.usage.models import Metric
from registry.years.service import refuse_closed

APPLICATION_KINDS = frozenset({PoolKind.DEVELOPMENT, PoolKind.MAINTENANCE, PoolKind.HOSTING})


@dataclass(frozen=True, slots=True)
class PoolInput:
    code: str
    name: str
    kind: PoolKind
    key: AllocationKey = AllocationKey.INHABITANTS
    application: str | None = None
    reference_date: date | None = None
    single_payer: str | None = None
    usage_metric: str | None = None
    usage_from: date | None = None
    usage_to: date | None = None
    late_joiner_policy: LateJoinerPolicy = LateJoinerPolicy.FULL_COST
    depreciation_years: int = 5


async def create_pool(session: AsyncSession, actor: Actor, data: PoolInput) -> CostPool:
    authorise(actor)
    errors = ErrorCollector()
    code = data.code.strip()
    if not code:
        errors.add("code", CostsRefusal.POOL_CODE_REQUIRED)
    elif await repository.pool_by_code(session, code) is not None:
        errors.add("code", CostsRefusal.POOL_CODE_TAKEN, pool=code)
    if not data.name.strip():
        errors.add("name", CostsRefusal.POOL_NAME_REQUIRED)
    application_id = None
    if data.kind in APPLICATION_KINDS:
        application = (
            await catalogue.application_by_slug(session, data.application)
            if data.application
            else None
        )
        if application is None:
            errors.add(
                "application",
                CostsRefusal.POOL_APPLICATION_UNKNOWN
                if data.application
                else CostsRefusal.POOL_APPLICATION_REQUIRED,
            )
        else:
            application_id = application.id
    elif data.application:
        errors.add("application", CostsRefusal.OWN_COSTS_WITHOUT_APPLICATION)
    payer_id = await _check_key(session, errors, data.kind, _key_of(data))
    if not 1 <= data.depreciation_years <= 50:
        errors.add("depreciationYears", CostsRefusal.DEPRECIATION_YEARS_OUT_OF_RANGE)
    errors.raise_if_any()
    pool = CostPool(
        code=code,
        name=data.name.strip(),
        kind=data.kind,
        application_id=application_id,
        key=data.key,
        reference_date=data.reference_date,
        usage_metric=data.usage_metric,
        usage_from=data.usage_from,
        usage_to=data.usage_to,
        single_payer_member_id=payer_id,
        late_joiner_policy=data.late_joiner_policy,
        depreciation_years=data.depreciation_years,
    )
    await add_recorded(session, actor, pool)
    return pool


@dataclass(frozen=True, slots=True)
class KeyInput:
    """An allocation key with what it needs: a reference date, a payer, a metric and period."""

    key: AllocationKey = AllocationKey.INHABITANTS
    reference_date: date | None = None
    single_payer: str | None = None
    usage_metric: str | None = None
    usage_from: date | None = None
    usage_to: date | None = None


def _key_of(data: PoolInput) -> KeyInput:
    return KeyInput(
        data.key,
        data.reference_date,
        data.single_payer,
        data.usage_metric,
        data.usage_from,
        data.usage_to,
    )


async def _check_key(
    session: AsyncSession, errors: ErrorCollector, kind: PoolKind, data: KeyInput
) -> int | None:
    """Collect what is missing or wrong in the key; the single payer's member id."""
    if data.key is AllocationKey.INHABITANTS and data.reference_date is None:
        errors.add("referenceDate", CostsRefusal.REFERENCE_DATE_REQUIRED)
    if data.key is AllocationKey.USAGE:
        if not (data.usage_metric and data.usage_from and data.usage_to):
            errors.add("usageMetric", CostsRefusal.USAGE_KEY_INCOMPLETE)
        elif data.usage_metric not in {m.value for m in Metric}:
            errors.add("usageMetric", CostsRefusal.UNKNOWN_METRIC, metric=data.usage_metric)
        elif kind not in APPLICATION_KINDS:
            errors.add("key", CostsRefusal.USAGE_KEY_WITHOUT_APPLICATION)
    payer_id = None
    if data.key is AllocationKey.SINGLE_PAYER:
        if not data.single_payer:
            errors.add("singlePayer", CostsRefusal.SINGLE_PAYER_REQUIRED)
        else:
            payer = await errors.check_awaitable(
                member_or_refuse(session, data.single_payer, "singlePayer")
            )
            payer_id = payer.id if payer else None
    return payer_id


async def change_key(
    session: AsyncSession, actor: Actor, pool_code: str, data: KeyInput
) -> CostPool:
    """A new allocation key for the entries still to allocate; runs already stored keep the
    key they were made with (they store their inputs), the audit log keeps the old key."""
    authorise(actor)
    pool = await locked_pool(session, pool_code)
    errors = ErrorCollector()
    payer_id = await _check_key(session, errors, pool.kind, data)
    if payer_id is not None and payer_id not in {
        p.member_id for p in await repository.participants_of(session, pool.id)
    }:
        errors.add("singlePayer", CostsRefusal.PAYER_NOT_PARTICIPANT, payer=data.single_payer or "")
    errors.raise_if_any()
    changed = {
        "key": data.key,
        "reference_date": data.reference_date if data.key is AllocationKey.INHABITANTS else None,
        "usage_metric": data.usage_metric if data.key is AllocationKey.USAGE else None,
        "usage_from": data.usage_from if data.key is AllocationKey.USAGE else None,
        "usage_to": data.usage_to if data.key is AllocationKey.USAGE else None,
        "single_payer_member_id": payer_id,
    }
    if all(getattr(pool, name) == value for name, value in changed.items()):
        raise ValidationFailed.single("key", CostsRefusal.KEY_UNCHANGED, pool=pool.name)
    async with recording_change(session, actor, "update", pool):
        for name, value in changed.items():
            setattr(pool, name, value)
    return pool


@dataclass(frozen=True, slots=True)
class EntryInput:
    amount: str
    entry_date: date
    category: CostCategory
    description: str
    document_reference: str | None = None
    submission_key: str | None = None
    """Chosen by the client once per form or call: the same key again stores nothing more."""
    contract: str | None = None
    """The reference of the contract the cost comes from (contracts register), if any."""


SUBMISSION_KEY_LIMIT = 64


async def add_entry(
    session: AsyncSession, actor: Actor, pool_code: str, data: EntryInput
) -> CostEntry:
    """Record a cost; entries in a closed period are refused. A submission key that stored an
    entry before answers with that entry (a double submit, a retried call): the pool is locked,
    so the second of two requests at the same moment finds the first one's entry."""
    authorise(actor)
    await refuse_closed(session, {"entryDate": data.entry_date})
    pool = await locked_pool(session, pool_code)
    errors = ErrorCollector()
    key = (data.submission_key or "").strip() or None
    if key is not None:
        if len(key) > SUBMISSION_KEY_LIMIT:
            errors.add("submissionKey", Common.TOO_LONG, limit=SUBMISSION_KEY_LIMIT)
        else:
            stored = await repository.entry_by_submission(session, pool.id, key)
            if stored is not None:
                return stored
    amount = None
    try:
        amount = to_cents(parse_euro(data.amount))
    except RefusedValue as exc:
        errors.add("amount", CostsRefusal.INVALID_AMOUNT, reason=exc.phrase)
    if pool.closed_until is not None and data.entry_date <= pool.closed_until:
        errors.add("entryDate", CostsRefusal.CLOSED_PERIOD, closed_until=pool.closed_until)
    if not data.description.strip():
        errors.add("description", CostsRefusal.DESCRIPTION_REQUIRED)
    contract_id = None
    if data.contract and data.contract.strip():
        contract_id = await repository.contract_id_by_reference(session, data.contract.strip())
        if contract_id is None:
            errors.add("contract", CostsRefusal.UNKNOWN_CONTRACT, contract=data.contract.strip())
    errors.raise_if_any()
    assert amount is not None
    entry = CostEntry(
        pool_id=pool.id,
        amount_cents=amount,
        entry_date=data.entry_date,
        category=data.category,
        description=data.description.strip(),
        document_reference=(data.document_reference or "").strip() or None,
        entered_by=actor.label,
        submission_key=key,
        contract_id=contract_id,
    )
    await add_recorded(session, actor, entry)
    return entry


async def add_participant(
    session: AsyncSession,
    actor: Actor,
    pool_code: str,
    member_code: str,
    joined_on: date,
    percentage: Decimal | None = None,
) -> PoolParticipant:
    """A member takes part from a date; it must be a member then."""
    authorise(actor)
    pool = await locked_pool(session, pool_code)
    member = await member_or_refuse(session, member_code, "member")
    if not await is_member_on(session, member.id, joined_on):
        raise ValidationFailed.single(
            "member", CostsRefusal.NOT_A_MEMBER_ON, member=member.name, day=joined_on
        )
    if pool.application_id is not None and not await uses_application(
        session, member.id, pool.application_id
    ):
        raise ValidationFailed.single(
            "member", CostsRefusal.NOT_USING_APPLICATION, member=member.name
        )
    if any(p.member_id == member.id for p in await repository.participants_of(session, pool.id)):
        raise ValidationFailed.single(
            "member", CostsRefusal.ALREADY_PARTICIPANT, member=member.name
        )
    participant = PoolParticipant(
        pool_id=pool.id, member_id=member.id, joined_on=joined_on, percentage=percentage
    )
    await add_recorded(session, actor, participant, member_id=member.id)
    return participant


async def change_participant(
    session: AsyncSession,
    actor: Actor,
    pool_code: str,
    member_code: str,
    *,
    percentage: Decimal | None = None,
    left_on: date | None = None,
) -> PoolParticipant:
    """Set a fixed percentage, or end the participation (later entries are not shared)."""
    authorise(actor)
    pool = await locked_pool(session, pool_code)
    member = await member_or_refuse(session, member_code, "member")
    found = [
        p for p in await repository.participants_of(session, pool.id) if p.member_id == member.id
    ]
    if not found:
        raise ValidationFailed.single("member", CostsRefusal.NOT_PARTICIPANT, member=member.name)
    (participant,) = found
    if left_on is not None and left_on < participant.joined_on:
        raise ValidationFailed.single("leftOn", CostsRefusal.LEFT_BEFORE_JOINING)
    async with recording_change(session, actor, "update", participant, member_id=member.id):
        if percentage is not None:
            participant.percentage = percentage
        if left_on is not None:
            participant.left_on = left_on
    return participant


async def close_period(
    session: AsyncSession, actor: Actor, pool_code: str, until: date
) -> CostPool:
    """No more entries dated on or before `until` (for example after the year's invoices)."""
    authorise(actor)
    pool = await locked_pool(session, pool_code)
    if pool.closed_until is not None and until < pool.closed_until:
        raise ValidationFailed.single(
            "until", CostsRefusal.ALREADY_CLOSED, closed_until=pool.closed_until
        )
    async with recording_change(session, actor, "close", pool):
        pool.closed_until = until
    return pool


async def transfer_member(
    session: AsyncSession, actor: Actor, old_id: int, new_id: int, effective: date
) -> None:
    """After a merger the successor continues the old member's participation in every pool.

    What the old member was charged stays in its name (its runs are history); entries after
    the merger are shared with the successor. Where the successor already takes part, the old
    participation ends the day before the merger.
    """
    for pool in await repository.pools(session):
        rows = await repository.participants_of(session, pool.id)
        old = [p for p in rows if p.member_id == old_id and p.left_on is None]
        if not old:
            continue
        (participant,) = old
        async with recording_change(session, actor, "merge", participant, member_id=new_id):
            if any(p.member_id == new_id for p in rows):
                participant.left_on = effective - timedelta(days=1)
            else:
                participant.member_id = new_id
