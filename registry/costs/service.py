"""Cost pools and allocation runs: the rules of sharing applied to stored pools.

Services flush, never commit. Runs are never changed: a correction is a reversal plus a new
run, a late joiner gets a settlement run; all stay visible.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record
from registry.audit.snapshot import snapshot
from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.catalogue import repository as catalogue
from registry.costs import repository
from registry.costs.errors import CostsRefusal
from registry.costs.models import (
    AllocationLine,
    AllocationRun,
    CostCategory,
    CostEntry,
    CostPool,
    PoolKind,
    PoolParticipant,
    RunKind,
)
from registry.costs.sharing import (
    AllocationError,
    AllocationKey,
    Entry,
    Key,
    LateJoinerPolicy,
    Participant,
    Share,
    Split,
    inputs_digest,
    settle,
    split,
)
from registry.db import serialise
from registry.kit.errors import ErrorCollector, Forbidden, NotFound, RefusedValue, ValidationFailed
from registry.kit.money import Cents, parse_euro, to_cents
from registry.members import repository as members
from registry.members.lookup import member_or_refuse
from registry.members.population import Figure, PopulationMissing, inhabitants_on
from registry.members.service import figures_of, is_member_on
from registry.usage.models import Metric
from registry.usage.service import usage_totals, uses_application

APPLICATION_KINDS = frozenset({PoolKind.DEVELOPMENT, PoolKind.MAINTENANCE, PoolKind.HOSTING})


def _authorise(actor: Actor) -> None:
    if not allows(actor, Permission.COSTS_MANAGE):
        raise Forbidden(CostsRefusal.DIRECTIE_ONLY)


def _refused(error: AllocationError) -> ValidationFailed:
    return ValidationFailed.single(error.field, error.phrase)


async def _pool(session: AsyncSession, code: str) -> CostPool:
    pool = await repository.pool_by_code(session, code)
    if pool is None:
        raise NotFound(CostsRefusal.NO_POOL, pool=code)
    return pool


async def _locked_pool(session: AsyncSession, code: str) -> CostPool:
    """The pool, locked until commit: its entries, participants and runs change one at a time,
    so two runs at the same moment never allocate the same entries twice."""
    await serialise(session, f"pool:{code}")
    return await _pool(session, code)


async def _audit(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    row: CostPool | CostEntry | PoolParticipant,
    before: dict[str, object] | None = None,
    member_id: int | None = None,
) -> None:
    await record(
        session,
        actor,
        operation=operation,
        entity_type=row.__tablename__,
        entity_id=str(row.id),
        before=before,
        after=snapshot(row),
        member_id=member_id,
    )


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
    _authorise(actor)
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
    if data.key is AllocationKey.INHABITANTS and data.reference_date is None:
        errors.add("referenceDate", CostsRefusal.REFERENCE_DATE_REQUIRED)
    if data.key is AllocationKey.USAGE:
        if not (data.usage_metric and data.usage_from and data.usage_to):
            errors.add("usageMetric", CostsRefusal.USAGE_KEY_INCOMPLETE)
        elif data.usage_metric not in {m.value for m in Metric}:
            errors.add("usageMetric", CostsRefusal.UNKNOWN_METRIC, metric=data.usage_metric)
        elif data.kind not in APPLICATION_KINDS:
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
    session.add(pool)
    await session.flush()
    await _audit(session, actor, "create", pool)
    return pool


@dataclass(frozen=True, slots=True)
class EntryInput:
    amount: str
    entry_date: date
    category: CostCategory
    description: str
    document_reference: str | None = None


async def add_entry(
    session: AsyncSession, actor: Actor, pool_code: str, data: EntryInput
) -> CostEntry:
    """Record a cost; entries in a closed period are refused."""
    _authorise(actor)
    pool = await _locked_pool(session, pool_code)
    errors = ErrorCollector()
    amount = None
    try:
        amount = to_cents(parse_euro(data.amount))
    except RefusedValue as exc:
        errors.add("amount", CostsRefusal.INVALID_AMOUNT, reason=exc.phrase)
    if pool.closed_until is not None and data.entry_date <= pool.closed_until:
        errors.add("entryDate", CostsRefusal.CLOSED_PERIOD, closed_until=pool.closed_until)
    if not data.description.strip():
        errors.add("description", CostsRefusal.DESCRIPTION_REQUIRED)
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
    )
    session.add(entry)
    await session.flush()
    await _audit(session, actor, "create", entry)
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
    _authorise(actor)
    pool = await _locked_pool(session, pool_code)
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
    session.add(participant)
    await session.flush()
    await _audit(session, actor, "create", participant, member_id=member.id)
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
    _authorise(actor)
    pool = await _locked_pool(session, pool_code)
    member = await member_or_refuse(session, member_code, "member")
    found = [
        p for p in await repository.participants_of(session, pool.id) if p.member_id == member.id
    ]
    if not found:
        raise ValidationFailed.single("member", CostsRefusal.NOT_PARTICIPANT, member=member.name)
    (participant,) = found
    if left_on is not None and left_on < participant.joined_on:
        raise ValidationFailed.single("leftOn", CostsRefusal.LEFT_BEFORE_JOINING)
    before = snapshot(participant)
    if percentage is not None:
        participant.percentage = percentage
    if left_on is not None:
        participant.left_on = left_on
    await session.flush()
    await _audit(session, actor, "update", participant, before, member.id)
    return participant


async def close_period(
    session: AsyncSession, actor: Actor, pool_code: str, until: date
) -> CostPool:
    """No more entries dated on or before `until` (for example after the year's invoices)."""
    _authorise(actor)
    pool = await _locked_pool(session, pool_code)
    if pool.closed_until is not None and until < pool.closed_until:
        raise ValidationFailed.single(
            "until", CostsRefusal.ALREADY_CLOSED, closed_until=pool.closed_until
        )
    before = snapshot(pool)
    pool.closed_until = until
    await session.flush()
    await _audit(session, actor, "close", pool, before)
    return pool


@dataclass(frozen=True, slots=True)
class PoolState:
    """Everything a run of a pool is computed from, as plain values."""

    pool: CostPool
    key: Key
    participants: tuple[Participant, ...]
    member_ids: dict[str, int]
    entries: tuple[CostEntry, ...]
    positions: dict[tuple[int, str], Cents]
    """What each member bears per entry so far (all runs, reversals included)."""
    settled_newcomers: frozenset[str]
    reversed_runs: frozenset[int]
    runs: tuple[AllocationRun, ...]

    def allocated_entry_ids(self) -> set[int]:
        return {
            line.entry_id
            for run in self.runs
            if run.kind is RunKind.ALLOCATION and run.id not in self.reversed_runs
            for line in run.lines
        }


async def _state(session: AsyncSession, pool: CostPool) -> PoolState:
    rows = await repository.participants_of(session, pool.id)
    by_id = await members.members_by_ids(session, [p.member_id for p in rows])
    payer = by_id.get(pool.single_payer_member_id) if pool.single_payer_member_id else None
    if pool.single_payer_member_id and payer is None:
        payer = (await members.members_by_ids(session, [pool.single_payer_member_id]))[
            pool.single_payer_member_id
        ]
    inhabitants: dict[int, tuple[int, str]] = {}
    if pool.key is AllocationKey.INHABITANTS:
        assert pool.reference_date is not None
        municipalities = await members.municipalities_of_members(session, list(by_id))
        every = list({m.id: m for ms in municipalities.values() for m in ms}.values())
        by_code: dict[str, list[Figure]] = {}
        for figure in await figures_of(session, every):
            by_code.setdefault(figure.cbs_code, []).append(figure)
        for member_id, own in municipalities.items():
            codes = [m.cbs_code for m in own]
            relevant = [f for code in codes for f in by_code.get(code, [])]
            try:
                found = inhabitants_on(codes, relevant, pool.reference_date)
            except PopulationMissing as exc:
                raise ValidationFailed.single("participants", exc.phrase) from None
            basis = "; ".join(
                f"{f.cbs_code} {f.count} ({f.reference_date.isoformat()}, {f.source})"
                for f in found.figures
            )
            inhabitants[member_id] = (found.total, basis)
    usage: dict[int, Decimal] = {}
    if pool.key is AllocationKey.USAGE:
        assert pool.usage_metric
        assert pool.usage_from
        assert pool.usage_to
        assert pool.application_id
        usage = await usage_totals(
            session,
            list(by_id),
            pool.application_id,
            Metric(pool.usage_metric),
            pool.usage_from,
            pool.usage_to,
        )
    participants = tuple(
        Participant(
            member_code=by_id[p.member_id].code,
            joined_on=p.joined_on,
            left_on=p.left_on,
            inhabitants=inhabitants.get(p.member_id, (None, ""))[0],
            percentage=p.percentage,
            usage=usage.get(p.member_id, Decimal(0)) if pool.key is AllocationKey.USAGE else None,
            basis=inhabitants.get(p.member_id, (None, ""))[1],
        )
        for p in rows
    )
    runs = tuple(await repository.runs_of(session, pool.id))
    positions: dict[tuple[int, str], Cents] = {}
    for run in runs:
        for line in run.lines:
            key = (line.entry_id, line.member_code)
            positions[key] = Cents(positions.get(key, 0) + line.amount_cents)
    reversed_runs = frozenset(r.reverses_run_id for r in runs if r.reverses_run_id is not None)
    newcomers = await members.members_by_ids(
        session, [r.newcomer_member_id for r in runs if r.newcomer_member_id]
    )
    return PoolState(
        pool=pool,
        key=Key(
            kind=pool.key,
            single_payer=payer.code if payer else None,
            depreciation_years=pool.depreciation_years,
            policy=pool.late_joiner_policy,
            extra=_key_inputs(pool),
        ),
        participants=participants,
        member_ids={by_id[p.member_id].code: p.member_id for p in rows},
        entries=tuple(await repository.entries_of(session, pool.id)),
        positions=positions,
        settled_newcomers=frozenset(
            newcomers[r.newcomer_member_id].code
            for r in runs
            if r.newcomer_member_id and r.id not in reversed_runs
        ),
        reversed_runs=reversed_runs,
        runs=runs,
    )


def _key_inputs(pool: CostPool) -> dict[str, str]:
    """The pool settings that decide the figures, kept with every run's inputs."""
    values = {
        "reference_date": pool.reference_date,
        "usage_metric": pool.usage_metric,
        "usage_from": pool.usage_from,
        "usage_to": pool.usage_to,
    }
    return {k: v if isinstance(v, str) else v.isoformat() for k, v in values.items() if v}


def _entries(rows: Sequence[CostEntry]) -> list[Entry]:
    return [Entry(e.id, Cents(e.amount_cents), e.entry_date) for e in rows]


@dataclass(frozen=True, slots=True)
class RunPreview:
    """A run as it would be stored: its shares, inputs and their SHA-256."""

    kind: RunKind
    split: Split
    inputs: str
    inputs_sha256: str
    newcomer: str | None = None

    @property
    def empty(self) -> bool:
        return not self.split.shares


async def preview_allocation(
    session: AsyncSession, actor: Actor, pool_code: str, until: date
) -> RunPreview:
    """Share the entries up to `until` that no standing run has allocated yet."""
    _authorise(actor)
    state = await _state(session, await _pool(session, pool_code))
    return _allocation_of(state, until)


def _allocation_of(state: PoolState, until: date) -> RunPreview:
    done = state.allocated_entry_ids()
    pending = [e for e in _entries(state.entries) if e.id not in done and e.entry_date <= until]
    try:
        result = split(state.key, state.participants, pending)
    except AllocationError as error:
        raise _refused(error) from None
    inputs, digest = inputs_digest(state.key, state.participants, pending, kind="allocation")
    return RunPreview(RunKind.ALLOCATION, result, inputs, digest)


async def preview_settlement(
    session: AsyncSession, actor: Actor, pool_code: str, member_code: str
) -> RunPreview:
    """Re-divide the allocated entries that predate the member's joining, by the same key."""
    _authorise(actor)
    state = await _state(session, await _pool(session, pool_code))
    joined = [p for p in state.participants if p.member_code == member_code]
    if not joined:
        raise ValidationFailed.single(
            "member", CostsRefusal.NEWCOMER_NOT_PARTICIPANT, member=member_code
        )
    newcomer = joined[0]
    done = state.allocated_entry_ids()
    earlier = [
        e for e in _entries(state.entries) if e.id in done and e.entry_date < newcomer.joined_on
    ]
    if member_code in state.settled_newcomers or not earlier:
        return RunPreview(RunKind.SETTLEMENT, Split(state.key.kind, ()), "", "", member_code)
    waiting = [
        p.member_code
        for p in state.participants
        if p.joined_on < newcomer.joined_on
        and p.member_code not in state.settled_newcomers
        and any(e.entry_date < p.joined_on for e in earlier)
    ]
    if waiting:
        raise ValidationFailed.single(
            "member", CostsRefusal.EARLIER_JOINER_UNSETTLED, members=", ".join(waiting)
        )
    # Who bears the earlier entries now: those who joined before, and joiners already
    # settled; another member joining the same day is settled on its own, after this one.
    before = [
        p
        for p in state.participants
        if p != newcomer
        and (p.joined_on < newcomer.joined_on or p.member_code in state.settled_newcomers)
    ]
    try:
        result = settle(
            state.key, before, [*before, newcomer], earlier, state.positions, newcomer.joined_on
        )
    except AllocationError as error:
        raise _refused(error) from None
    positions = {f"{e}:{c}": a for (e, c), a in sorted(state.positions.items())}
    inputs, digest = inputs_digest(
        state.key,
        [*before, newcomer],
        earlier,
        kind="settlement",
        newcomer=member_code,
        positions=json.dumps(positions, sort_keys=True),
    )
    return RunPreview(RunKind.SETTLEMENT, result, inputs, digest, member_code)


@dataclass(frozen=True, slots=True)
class RunResult:
    run: AllocationRun | None
    created: bool


async def _store(
    session: AsyncSession,
    actor: Actor,
    pool: CostPool,
    preview: RunPreview,
    member_ids: dict[str, int],
    on: date,
    reverses: AllocationRun | None = None,
) -> AllocationRun:
    run = AllocationRun(
        pool_id=pool.id,
        sequence=await repository.next_sequence(session, pool.id),
        kind=preview.kind,
        booked_on=on,
        inputs=preview.inputs,
        inputs_sha256=preview.inputs_sha256,
        total_cents=preview.split.total,
        reverses_run_id=reverses.id if reverses else None,
        newcomer_member_id=member_ids[preview.newcomer] if preview.newcomer else None,
        created_by=actor.label,
    )
    session.add(run)
    await session.flush()
    await session.execute(
        insert(AllocationLine),
        [
            {
                "run_id": run.id,
                "entry_id": share.entry_id,
                "member_id": member_ids[share.member_code],
                "member_code": share.member_code,
                "amount_cents": share.amount,
                "weight": share.weight,
                "weight_total": share.weight_total,
            }
            for share in preview.split.shares
        ],
    )
    await record(
        session,
        actor,
        operation="create",
        entity_type="allocation_run",
        entity_id=f"{pool.code}/{run.sequence}",
        before=None,
        after=snapshot(run, exclude=frozenset({"inputs"}), totals=preview.split.totals()),
    )
    stored = await repository.run_by_id(session, run.id)
    assert stored is not None
    return stored


async def run_allocation(
    session: AsyncSession, actor: Actor, pool_code: str, until: date, on: date
) -> RunResult:
    """Store the allocation of the pending entries; nothing pending stores nothing."""
    _authorise(actor)
    pool = await _locked_pool(session, pool_code)
    state = await _state(session, pool)
    preview = _allocation_of(state, until)
    if preview.empty:
        return RunResult(None, created=False)
    run = await _store(session, actor, pool, preview, state.member_ids, on)
    return RunResult(run, created=True)


async def run_settlement(
    session: AsyncSession, actor: Actor, pool_code: str, member_code: str, on: date
) -> RunResult:
    """Store the settlement for a late joiner; settling the same joiner again stores nothing."""
    _authorise(actor)
    await _locked_pool(session, pool_code)
    preview = await preview_settlement(session, actor, pool_code, member_code)
    if preview.empty:
        return RunResult(None, created=False)
    pool = await _pool(session, pool_code)
    state = await _state(session, pool)
    return RunResult(await _store(session, actor, pool, preview, state.member_ids, on), True)


async def correct_run(
    session: AsyncSession, actor: Actor, run_id: int, on: date
) -> tuple[AllocationRun, AllocationRun]:
    """Reverse an allocation run and store its replacement computed from today's inputs."""
    _authorise(actor)
    old = await repository.run_by_id(session, run_id)
    if old is None:
        raise NotFound(CostsRefusal.NO_RUN, run=str(run_id))
    pool = (await repository.pools_by_ids(session, [old.pool_id]))[old.pool_id]
    pool = await _locked_pool(session, pool.code)
    state = await _state(session, pool)
    if old.kind is not RunKind.ALLOCATION or old.id in state.reversed_runs:
        raise ValidationFailed.single("run", CostsRefusal.RUN_NOT_CORRECTABLE)
    if any(r.kind is RunKind.SETTLEMENT and r.sequence > old.sequence for r in state.runs):
        raise ValidationFailed.single("run", CostsRefusal.SETTLED_SINCE)
    entry_ids = {line.entry_id for line in old.lines}
    entries = [e for e in _entries(state.entries) if e.id in entry_ids]
    try:
        replacement = split(state.key, state.participants, entries)
    except AllocationError as error:
        raise _refused(error) from None
    inputs, digest = inputs_digest(state.key, state.participants, entries, kind="allocation")
    if digest == old.inputs_sha256:
        raise ValidationFailed.single("run", CostsRefusal.RUN_UNCHANGED)
    reversal = RunPreview(
        RunKind.REVERSAL,
        Split(
            state.key.kind,
            tuple(
                Share(
                    line.entry_id,
                    line.member_code,
                    Cents(-line.amount_cents),
                    line.weight,
                    line.weight_total,
                )
                for line in old.lines
            ),
        ),
        old.inputs,
        old.inputs_sha256,
    )
    ids = dict(state.member_ids)
    ids.update({line.member_code: line.member_id for line in old.lines})
    undone = await _store(session, actor, pool, reversal, ids, on, reverses=old)
    new = await _store(
        session, actor, pool, RunPreview(RunKind.ALLOCATION, replacement, inputs, digest), ids, on
    )
    return undone, new


async def pending_settlements(session: AsyncSession, pool_code: str) -> list[str]:
    """Participants that joined after allocated entries and are not settled, in join order."""
    state = await _state(session, await _pool(session, pool_code))
    done = state.allocated_entry_ids()
    dates = [e.entry_date for e in state.entries if e.id in done]
    return [
        p.member_code
        for p in sorted(state.participants, key=lambda p: (p.joined_on, p.member_code))
        if p.member_code not in state.settled_newcomers and any(d < p.joined_on for d in dates)
    ]


async def run_pool(
    session: AsyncSession, actor: Actor, pool_code: str, until: date, on: date
) -> list[AllocationRun]:
    """Settle late joiners first (over what was allocated), then allocate pending entries."""
    _authorise(actor)
    await _locked_pool(session, pool_code)
    stored: list[AllocationRun] = []
    for member_code in await pending_settlements(session, pool_code):
        settled = await run_settlement(session, actor, pool_code, member_code, on)
        if settled.run is not None:
            stored.append(settled.run)
    allocated = await run_allocation(session, actor, pool_code, until, on)
    if allocated.run is not None:
        stored.append(allocated.run)
    return stored


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
        before = snapshot(participant)
        if any(p.member_id == new_id for p in rows):
            participant.left_on = effective - timedelta(days=1)
        else:
            participant.member_id = new_id
        await session.flush()
        await _audit(session, actor, "merge", participant, before, new_id)
