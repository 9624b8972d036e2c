"""Allocation, settlement and correction runs: the rules of sharing applied to stored pools.

Services flush, never commit. Runs are never changed: a correction is a reversal plus a new
run, a late joiner gets a settlement run; all stay visible.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_row
from registry.auth.roles import Actor
from registry.costs import repository
from registry.costs.errors import CostsRefusal
from registry.costs.models import (
    AllocationLine,
    AllocationRun,
    CostEntry,
    CostPool,
    RunKind,
)
from registry.costs.operations import authorise, locked_pool, pool_or_refuse
from registry.costs.sharing import (
    AllocationError,
    AllocationKey,
    Entry,
    Key,
    Participant,
    Share,
    Split,
    inputs_digest,
    settle,
    split,
)
from registry.kit.errors import NotFound, ValidationFailed
from registry.kit.money import Cents
from registry.members import repository as members
from registry.members.figures import figures_of
from registry.members.population import Figure, PopulationMissing, inhabitants_on
from registry.usage.models import Metric
from registry.usage.records import usage_totals


def _refused(error: AllocationError) -> ValidationFailed:
    return ValidationFailed.single(error.field, error.phrase)


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


async def pool_state(session: AsyncSession, pool: CostPool) -> PoolState:
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
    authorise(actor)
    state = await pool_state(session, await pool_or_refuse(session, pool_code))
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
    authorise(actor)
    state = await pool_state(session, await pool_or_refuse(session, pool_code))
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
    await record_row(
        session,
        actor,
        "create",
        "allocation_run",
        run,
        entity_id=f"{pool.code}/{run.sequence}",
        exclude=frozenset({"inputs"}),
        totals=preview.split.totals(),
    )
    stored = await repository.run_by_id(session, run.id)
    assert stored is not None
    return stored


async def run_allocation(
    session: AsyncSession, actor: Actor, pool_code: str, until: date, on: date
) -> RunResult:
    """Store the allocation of the pending entries; nothing pending stores nothing."""
    authorise(actor)
    pool = await locked_pool(session, pool_code)
    state = await pool_state(session, pool)
    preview = _allocation_of(state, until)
    if preview.empty:
        return RunResult(None, created=False)
    run = await _store(session, actor, pool, preview, state.member_ids, on)
    return RunResult(run, created=True)


async def run_settlement(
    session: AsyncSession, actor: Actor, pool_code: str, member_code: str, on: date
) -> RunResult:
    """Store the settlement for a late joiner; settling the same joiner again stores nothing."""
    authorise(actor)
    await locked_pool(session, pool_code)
    preview = await preview_settlement(session, actor, pool_code, member_code)
    if preview.empty:
        return RunResult(None, created=False)
    pool = await pool_or_refuse(session, pool_code)
    state = await pool_state(session, pool)
    return RunResult(await _store(session, actor, pool, preview, state.member_ids, on), True)


async def correct_run(
    session: AsyncSession, actor: Actor, run_id: int, on: date
) -> tuple[AllocationRun, AllocationRun]:
    """Reverse an allocation run and store its replacement computed from today's inputs."""
    authorise(actor)
    old = await repository.run_by_id(session, run_id)
    if old is None:
        raise NotFound(CostsRefusal.NO_RUN, run=str(run_id))
    pool = (await repository.pools_by_ids(session, [old.pool_id]))[old.pool_id]
    pool = await locked_pool(session, pool.code)
    state = await pool_state(session, pool)
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
    state = await pool_state(session, await pool_or_refuse(session, pool_code))
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
    authorise(actor)
    await locked_pool(session, pool_code)
    stored: list[AllocationRun] = []
    for member_code in await pending_settlements(session, pool_code):
        settled = await run_settlement(session, actor, pool_code, member_code, on)
        if settled.run is not None:
            stored.append(settled.run)
    allocated = await run_allocation(session, actor, pool_code, until, on)
    if allocated.run is not None:
        stored.append(allocated.run)
    return stored
