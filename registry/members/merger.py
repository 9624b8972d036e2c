"""A municipal merger (herindeling) as it changes municipalities, members and memberships.

Services flush, never commit. The other domains follow in registry/mergers.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record, recording_change
from registry.auth.roles import Actor
from registry.kit.errors import ErrorCollector, ValidationFailed
from registry.members import identifiers, repository
from registry.members.errors import MembersRefusal
from registry.members.membership import is_open
from registry.members.memberships import membership_dates, update_membership
from registry.members.models import (
    ApprovalOutcome,
    EndReason,
    Member,
    Membership,
    MemberType,
    Municipality,
    Succession,
)
from registry.members.operations import add_audited, authorise
from registry.members.registration import MemberInput, create_member


@dataclass(frozen=True, slots=True)
class MergerInput:
    effective_date: date
    successor_code: str
    successor_name: str
    predecessor_codes: Sequence[str]
    successor_member_code: str | None = None


@dataclass(frozen=True, slots=True)
class MergerOutcome:
    """What a merger changed; other domains move their records from `absorbed` to `successor`."""

    successor: Municipality
    successor_member: Member | None
    absorbed: tuple[Member, ...]
    regrouped: tuple[Member, ...]
    """Members (such as a GR) that now stand for the successor instead of a predecessor."""


async def merge_municipalities(
    session: AsyncSession, actor: Actor, data: MergerInput
) -> MergerOutcome:
    """Herindeling: predecessors end the day before; their members' place goes to the successor.

    A gemeente member standing for a merged municipality ends its membership (reason
    merger) and the successor member continues it from the effective date by legal
    succession; members standing for several municipalities swap the predecessor for the
    successor.
    """
    authorise(actor)
    successor_code, codes = _checked_codes(data)
    known = await _known_predecessors(session, codes, successor_code)
    successor = known.get(successor_code) or await _new_successor(
        session, actor, data, successor_code
    )
    predecessors = [known[c] for c in codes]
    await _end_predecessors(session, actor, predecessors, successor, data.effective_date)
    affected = await _affected_members(session, {p.id for p in predecessors})
    successor_member = await _successor_member(
        session, actor, data, successor, bool(affected.absorbed)
    )
    await _end_absorbed_memberships(session, actor, affected, data.effective_date, successor_member)
    for member in affected.regrouped:
        await _regroup(session, actor, member, affected, successor)
    return MergerOutcome(
        successor, successor_member, tuple(affected.absorbed), tuple(affected.regrouped)
    )


def _checked_codes(data: MergerInput) -> tuple[str, list[str]]:
    """The successor's and predecessors' CBS codes, refused together when any is wrong."""
    errors = ErrorCollector()
    if (data.effective_date.month, data.effective_date.day) != (1, 1):
        errors.add("effectiveDate", MembersRefusal.MERGER_NOT_JANUARY_FIRST)
    successor_code = errors.check(
        partial(identifiers.cbs_code, data.successor_code, "successorCode")
    )
    codes: list[str] = []
    for i, raw in enumerate(data.predecessor_codes):
        code = errors.check(partial(identifiers.cbs_code, raw, f"predecessorCodes[{i}]"))
        if code is not None:
            codes.append(code)
    if not codes:
        errors.add("predecessorCodes", MembersRefusal.PREDECESSORS_REQUIRED)
    if successor_code in codes:
        errors.add("successorCode", MembersRefusal.SUCCESSOR_IS_PREDECESSOR)
    errors.raise_if_any()
    assert successor_code is not None
    return successor_code, codes


async def _known_predecessors(
    session: AsyncSession, codes: list[str], successor_code: str
) -> dict[str, Municipality]:
    """The municipalities by code (the successor's too, if known); predecessors must exist and
    not have ended already."""
    known = await repository.municipalities_by_codes(session, [*codes, successor_code])
    errors = ErrorCollector()
    for i, code in enumerate(codes):
        predecessor = known.get(code)
        if predecessor is None:
            errors.add(f"predecessorCodes[{i}]", MembersRefusal.UNKNOWN_MUNICIPALITY, code=code)
        elif predecessor.valid_to is not None:
            errors.add(
                f"predecessorCodes[{i}]",
                MembersRefusal.MUNICIPALITY_ALREADY_ENDED,
                municipality=predecessor.name,
                ended=predecessor.valid_to,
            )
    errors.raise_if_any()
    return known


async def _new_successor(
    session: AsyncSession, actor: Actor, data: MergerInput, code: str
) -> Municipality:
    """A successor municipality not known yet, registered from the effective date."""
    name = data.successor_name.strip()
    if not name:
        raise ValidationFailed.single("successorName", MembersRefusal.SUCCESSOR_NAME_REQUIRED)
    successor = Municipality(cbs_code=code, name=name, valid_from=data.effective_date)
    await add_audited(session, actor, successor, successor.cbs_code)
    return successor


async def _end_predecessors(
    session: AsyncSession,
    actor: Actor,
    predecessors: Sequence[Municipality],
    successor: Municipality,
    effective_date: date,
) -> None:
    """Each predecessor ends the day before and records its succession."""
    for predecessor in predecessors:
        async with recording_change(
            session,
            actor,
            "merge",
            predecessor,
            entity_id=predecessor.cbs_code,
            successor=successor.cbs_code,
        ):
            predecessor.valid_to = effective_date - timedelta(days=1)
            session.add(
                Succession(
                    predecessor_id=predecessor.id,
                    successor_id=successor.id,
                    effective_date=effective_date,
                )
            )


@dataclass(frozen=True, slots=True)
class _Affected:
    """The members standing for a predecessor, with their municipalities and memberships."""

    predecessor_ids: set[int]
    absorbed: list[Member]
    """Gemeente members standing only for predecessors: their membership ends."""
    regrouped: list[Member]
    municipalities: dict[int, list[Municipality]]
    memberships: dict[int, list[Membership]]


async def _affected_members(session: AsyncSession, predecessor_ids: set[int]) -> _Affected:
    affected = await repository.members_of_municipalities(session, sorted(predecessor_ids))
    ids = [m.id for m in affected]
    municipalities = await repository.municipalities_of_members(session, ids)
    absorbed = [
        m
        for m in affected
        if m.type is MemberType.GEMEENTE and {x.id for x in municipalities[m.id]} <= predecessor_ids
    ]
    return _Affected(
        predecessor_ids=predecessor_ids,
        absorbed=absorbed,
        regrouped=[m for m in affected if m not in absorbed],
        municipalities={k: list(v) for k, v in municipalities.items()},
        memberships={
            k: list(v) for k, v in (await repository.memberships_of_members(session, ids)).items()
        },
    )


async def _end_absorbed_memberships(
    session: AsyncSession,
    actor: Actor,
    affected: _Affected,
    effective_date: date,
    successor_member: Member | None,
) -> None:
    """Absorbed members' running memberships end the day before (reason merger); the successor
    member continues them."""
    day_before = effective_date - timedelta(days=1)
    continuing = [
        ms
        for member in affected.absorbed
        for ms in affected.memberships[member.id]
        if ms.start_date is not None and (ms.end_date is None or ms.end_date >= effective_date)
    ]
    for membership in continuing:
        await update_membership(
            session,
            actor,
            membership,
            "merge",
            end_date=day_before,
            notice_date=membership.notice_date or day_before,
            end_reason=EndReason.MERGER,
            successor_member_id=successor_member.id if successor_member else None,
        )
    if continuing and successor_member is not None:
        await _continue_membership(
            session, actor, successor_member, effective_date, affected.absorbed
        )


async def _regroup(
    session: AsyncSession,
    actor: Actor,
    member: Member,
    affected: _Affected,
    successor: Municipality,
) -> None:
    """A member standing for several municipalities swaps its predecessors for the successor."""
    own = affected.municipalities[member.id]
    kept = [x for x in own if x.id not in affected.predecessor_ids]
    await repository.set_member_municipalities(
        session, member.id, [*(x.id for x in kept), successor.id]
    )
    await record(
        session,
        actor,
        operation="merge",
        entity_type="member",
        entity_id=member.code,
        before={"municipalities": [x.cbs_code for x in own]},
        after={"municipalities": sorted([*(x.cbs_code for x in kept), successor.cbs_code])},
        member_id=member.id,
    )


async def _successor_member(
    session: AsyncSession,
    actor: Actor,
    data: MergerInput,
    successor: Municipality,
    needed: bool,
) -> Member | None:
    code = (data.successor_member_code or "").strip()
    if not code:
        if needed:
            raise ValidationFailed.single(
                "successorMemberCode", MembersRefusal.SUCCESSOR_MEMBER_REQUIRED
            )
        return None
    member = await repository.member_by_code(session, code)
    if member is not None:
        return member
    return await create_member(
        session,
        actor,
        MemberInput(
            code=code, name=successor.name, type="gemeente", municipalities=[successor.cbs_code]
        ),
    )


async def _continue_membership(
    session: AsyncSession,
    actor: Actor,
    successor: Member,
    effective_date: date,
    absorbed: Sequence[Member],
) -> None:
    """The successor continues the membership by legal succession, without a new admission."""
    current = (await repository.memberships_of_members(session, [successor.id]))[successor.id]
    if any(is_open(membership_dates(m)) for m in current):
        return
    membership = Membership(
        member_id=successor.id,
        applied_on=effective_date,
        approval_outcome=ApprovalOutcome.APPROVED,
        start_date=effective_date,
        agreement_reference="rechtsopvolging bij herindeling van "
        + ", ".join(m.code for m in absorbed),
    )
    await add_audited(session, actor, membership)
