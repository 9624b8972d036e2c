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
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import Change, record_many
from registry.audit.snapshot import snapshot
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
from registry.costs.repository import ParticipantRow
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
from registry.db import serialise
from registry.kit.errors import NotFound, ValidationFailed
from registry.kit.money import Cents
from registry.members import repository as members
from registry.members.figures import figures_of
from registry.members.models import Member
from registry.members.population import Figure, PopulationMissing, inhabitants_on
from registry.usage.models import Metric
from registry.usage.repository import usage_totals
from registry.years.service import refuse_closed


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
    return (await pool_states(session, [pool]))[pool.id]


async def pool_states(session: AsyncSession, pools: Sequence[CostPool]) -> dict[int, PoolState]:
    """The state of many pools from a handful of queries, whatever their number."""
    ids = [p.id for p in pools]
    rows = await repository.participants_of_pools(session, ids)
    runs = await repository.runs_of_pools(session, ids)
    entries = await repository.entries_of_pools(session, ids)
    by_id = await members.members_by_ids(
        session,
        sorted(
            {p.member_id for ps in rows.values() for p in ps}
            | {p.single_payer_member_id for p in pools if p.single_payer_member_id}
            | {r.newcomer_member_id for rs in runs.values() for r in rs if r.newcomer_member_id}
        ),
    )
    inhabitants = await _inhabitants(
        session, [(p, [r.member_id for r in rows[p.id]]) for p in pools]
    )
    states = {}
    for pool in pools:
        usage = await _usage_of(session, pool, [p.member_id for p in rows[pool.id]])
        states[pool.id] = _state(
            pool, rows[pool.id], by_id, inhabitants, usage, runs[pool.id], entries[pool.id]
        )
    return states


async def _inhabitants(
    session: AsyncSession, pools: Sequence[tuple[CostPool, list[int]]]
) -> dict[tuple[int, date], tuple[int, str]]:
    """Inhabitants and their basis per (member, reference date) of the pools keyed by them."""
    wanted = {
        (member_id, pool.reference_date)
        for pool, member_ids in pools
        if pool.key is AllocationKey.INHABITANTS and pool.reference_date is not None
        for member_id in member_ids
    }
    if not wanted:
        return {}
    municipalities = await members.municipalities_of_members(
        session, sorted({m for m, _ in wanted})
    )
    every = list({m.id: m for ms in municipalities.values() for m in ms}.values())
    by_code: dict[str, list[Figure]] = {}
    for figure in await figures_of(session, every):
        by_code.setdefault(figure.cbs_code, []).append(figure)
    result = {}
    for member_id, on in sorted(wanted):
        codes = [m.cbs_code for m in municipalities[member_id]]
        relevant = [f for code in codes for f in by_code.get(code, [])]
        try:
            found = inhabitants_on(codes, relevant, on)
        except PopulationMissing as exc:
            raise ValidationFailed.single("participants", exc.phrase) from None
        basis = "; ".join(
            f"{f.cbs_code} {f.count} ({f.reference_date.isoformat()}, {f.source})"
            for f in found.figures
        )
        result[(member_id, on)] = (found.total, basis)
    return result


async def _usage_of(
    session: AsyncSession, pool: CostPool, member_ids: list[int]
) -> dict[int, Decimal] | None:
    if pool.key is not AllocationKey.USAGE:
        return None
    assert pool.usage_metric
    assert pool.usage_from
    assert pool.usage_to
    assert pool.application_id
    return await usage_totals(
        session,
        member_ids,
        pool.application_id,
        Metric(pool.usage_metric),
        pool.usage_from,
        pool.usage_to,
    )


def _state(
    pool: CostPool,
    rows: Sequence[ParticipantRow],
    by_id: dict[int, Member],
    inhabitants: dict[tuple[int, date], tuple[int, str]],
    usage: dict[int, Decimal] | None,
    runs: Sequence[AllocationRun],
    entries: Sequence[CostEntry],
) -> PoolState:
    payer = by_id[pool.single_payer_member_id] if pool.single_payer_member_id else None
    counted = {
        p.member_id: inhabitants[(p.member_id, pool.reference_date)]
        for p in rows
        if pool.reference_date is not None and (p.member_id, pool.reference_date) in inhabitants
    }
    participants = tuple(
        Participant(
            member_code=by_id[p.member_id].code,
            joined_on=p.joined_on,
            left_on=p.left_on,
            inhabitants=counted.get(p.member_id, (None, ""))[0],
            percentage=p.percentage,
            usage=None if usage is None else usage.get(p.member_id, Decimal(0)),
            basis=counted.get(p.member_id, (None, ""))[1],
        )
        for p in rows
    )
    positions: dict[tuple[int, str], Cents] = {}
    for run in runs:
        for line in run.lines:
            key = (line.entry_id, line.member_code)
            positions[key] = Cents(positions.get(key, 0) + line.amount_cents)
    reversed_runs = frozenset(r.reverses_run_id for r in runs if r.reverses_run_id is not None)
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
        entries=tuple(entries),
        positions=positions,
        settled_newcomers=frozenset(
            by_id[r.newcomer_member_id].code
            for r in runs
            if r.newcomer_member_id and r.id not in reversed_runs
        ),
        reversed_runs=reversed_runs,
        runs=tuple(runs),
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


@dataclass(frozen=True, slots=True)
class ToStore:
    """A run to store: the pool, what it shares and whom, and the run it reverses if any."""

    pool: CostPool
    preview: RunPreview
    member_ids: dict[str, int]
    reverses: AllocationRun | None = None


async def _store(
    session: AsyncSession, actor: Actor, runs: Sequence[ToStore], on: date, *, lines: bool = True
) -> list[AllocationRun]:
    """Store runs with their lines and audit events: the lines of all runs in one statement.

    The runs come back with their lines loaded, unless `lines` is false (a year-end run over
    every pool reports runs, not their members × pools lines).
    """
    sequences = await repository.next_sequences(session, sorted({r.pool.id for r in runs}))
    stored = []
    for item in runs:
        stored.append(
            AllocationRun(
                pool_id=item.pool.id,
                sequence=sequences[item.pool.id],
                kind=item.preview.kind,
                booked_on=on,
                inputs=item.preview.inputs,
                inputs_sha256=item.preview.inputs_sha256,
                total_cents=item.preview.split.total,
                reverses_run_id=item.reverses.id if item.reverses else None,
                newcomer_member_id=(
                    item.member_ids[item.preview.newcomer] if item.preview.newcomer else None
                ),
                created_by=actor.label,
            )
        )
        sequences[item.pool.id] += 1
    session.add_all(stored)
    await session.flush()
    # The table, not the mapped class: a Core executemany, without the ORM's per-row work.
    await session.execute(
        insert(cast("Table", AllocationLine.__table__)),
        [
            {
                "run_id": run.id,
                "entry_id": share.entry_id,
                "member_id": item.member_ids[share.member_code],
                "member_code": share.member_code,
                "amount_cents": share.amount,
                "weight": share.weight,
                "weight_total": share.weight_total,
            }
            for run, item in zip(stored, runs, strict=True)
            for share in item.preview.split.shares
        ],
    )
    await record_many(
        session,
        actor,
        [
            Change(
                "create",
                "allocation_run",
                f"{item.pool.code}/{run.sequence}",
                None,
                snapshot(run, exclude=frozenset({"inputs"}), totals=item.preview.split.totals()),
            )
            for run, item in zip(stored, runs, strict=True)
        ],
    )
    if not lines:
        return stored
    return await repository.runs_by_ids(session, [run.id for run in stored])


async def run_allocation(
    session: AsyncSession, actor: Actor, pool_code: str, until: date, on: date
) -> RunResult:
    """Store the allocation of the pending entries; nothing pending stores nothing."""
    authorise(actor)
    await refuse_closed(session, {"on": on})
    pool = await locked_pool(session, pool_code)
    state = await pool_state(session, pool)
    preview = _allocation_of(state, until)
    if preview.empty:
        return RunResult(None, created=False)
    (run,) = await _store(session, actor, [ToStore(pool, preview, state.member_ids)], on)
    return RunResult(run, created=True)


async def run_settlement(
    session: AsyncSession, actor: Actor, pool_code: str, member_code: str, on: date
) -> RunResult:
    """Store the settlement for a late joiner; settling the same joiner again stores nothing."""
    authorise(actor)
    await refuse_closed(session, {"on": on})
    await locked_pool(session, pool_code)
    preview = await preview_settlement(session, actor, pool_code, member_code)
    if preview.empty:
        return RunResult(None, created=False)
    pool = await pool_or_refuse(session, pool_code)
    state = await pool_state(session, pool)
    (run,) = await _store(session, actor, [ToStore(pool, preview, state.member_ids)], on)
    return RunResult(run, created=True)


async def correct_run(
    session: AsyncSession, actor: Actor, run_id: int, on: date
) -> tuple[AllocationRun, AllocationRun]:
    """Reverse an allocation run and store its replacement computed from today's inputs."""
    authorise(actor)
    await refuse_closed(session, {"on": on})
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
    undone, new = await _store(
        session,
        actor,
        [
            ToStore(pool, reversal, ids, reverses=old),
            ToStore(pool, RunPreview(RunKind.ALLOCATION, replacement, inputs, digest), ids),
        ],
        on,
    )
    return undone, new


async def pending_settlements(session: AsyncSession, pool_code: str) -> list[str]:
    """Participants that joined after allocated entries and are not settled, in join order."""
    return _pending_settlements(await pool_state(session, await pool_or_refuse(session, pool_code)))


def _pending_settlements(state: PoolState) -> list[str]:
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
    await refuse_closed(session, {"on": on})
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


async def run_pools(
    session: AsyncSession, actor: Actor, pool_codes: Sequence[str], until: date, on: date
) -> dict[str, list[AllocationRun]]:
    """`run_pool` for many pools at once: their states come from a handful of queries and the
    lines of all allocations are written in one statement, so a year-end run over every pool
    costs about what writing its lines costs. Pools with late joiners to settle go one by one.
    The allocation runs come back without their lines loaded."""
    authorise(actor)
    await refuse_closed(session, {"on": on})
    pool_codes = list(dict.fromkeys(pool_codes))
    await serialise(session, *(f"pool:{code}" for code in pool_codes))
    pools = await repository.pools_by_codes(session, pool_codes)
    for code in pool_codes:
        if code not in pools:
            raise NotFound(CostsRefusal.NO_POOL, pool=code)
    states = await pool_states(session, list(pools.values()))
    stored: dict[str, list[AllocationRun]] = {code: [] for code in pool_codes}
    items = []
    for code in pool_codes:
        pool = pools[code]
        if _pending_settlements(states[pool.id]):
            stored[code] = await run_pool(session, actor, code, until, on)
            continue
        preview = _allocation_of(states[pool.id], until)
        if not preview.empty:
            items.append(ToStore(pool, preview, states[pool.id].member_ids))
    codes = {p.id: p.code for p in pools.values()}
    for run in await _store(session, actor, items, on, lines=False) if items else []:
        stored[codes[run.pool_id]].append(run)
    return stored
