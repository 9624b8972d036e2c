"""Memberships: applying, approval, admission, and what other domains ask of them.

Services flush, never commit. The lifecycle rules themselves are in membership.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import recording_change
from registry.auth.roles import Actor
from registry.db import serialise
from registry.kit.errors import Common, ErrorCollector, NotFound, ValidationFailed
from registry.kit.money import Cents, to_cents
from registry.members import identifiers, repository
from registry.members.decisions import decision_of
from registry.members.errors import MembersRefusal
from registry.members.membership import Dates, ExitCharge, check_admission, is_open
from registry.members.membership import is_member_on as is_member_on_date
from registry.members.models import (
    ApprovalOutcome,
    DecisionBody,
    Membership,
    MemberType,
    Signatory,
)
from registry.members.operations import add_audited, authorise
from registry.members.registration import MemberInput, create_member
from registry.years.service import refuse_closed


def membership_dates(membership: Membership) -> Dates:
    approved = (
        None
        if membership.approval_outcome is None
        else membership.approval_outcome is ApprovalOutcome.APPROVED
    )
    return Dates(
        applied_on=membership.applied_on,
        approved=approved,
        start_date=membership.start_date,
        notice_date=membership.notice_date,
        end_date=membership.end_date,
    )


def exit_charge_of(membership: Membership) -> ExitCharge | None:
    """The stored exit charge with the inputs of its cap, to show how it was computed."""
    m = membership
    if (
        m.exit_charge_cents is None
        or m.exit_charge_requested_cents is None
        or m.exit_charge_cap_cents is None
        or m.exit_charge_rate is None
        or m.exit_charge_inhabitants is None
        or m.exit_charge_reference_date is None
        or m.end_date is None
    ):
        return None
    return ExitCharge(
        requested=Cents(m.exit_charge_requested_cents),
        cap=Cents(m.exit_charge_cap_cents),
        charged=Cents(m.exit_charge_cents),
        rate=m.exit_charge_rate,
        inhabitants=m.exit_charge_inhabitants,
        reference_date=m.exit_charge_reference_date,
        year=m.end_date.year,
    )


async def is_member_on(session: AsyncSession, member_id: int, on: date) -> bool:
    """Whether the member is admitted and not ended on that date (other domains ask this)."""
    memberships = (await repository.memberships_of_members(session, [member_id]))[member_id]
    return any(is_member_on_date(membership_dates(m), on) for m in memberships)


async def membership_end(session: AsyncSession, member_id: int) -> date | None:
    """The end date of the member's latest admitted membership, if notice was given."""
    return membership_end_of(
        (await repository.memberships_of_members(session, [member_id]))[member_id]
    )


def membership_end_of(memberships: Sequence[Membership]) -> date | None:
    """The end date of the latest admitted of the memberships (oldest first), if any."""
    admitted = [m for m in memberships if m.start_date is not None]
    return admitted[-1].end_date if admitted else None


@dataclass(frozen=True, slots=True)
class SignatoryInput:
    name: str
    oin: str | None = None


async def apply_for_membership(
    session: AsyncSession,
    actor: Actor,
    member_code: str,
    applied_on: date,
    signatories: Sequence[SignatoryInput] = (),
) -> Membership:
    """A registered government body applies; a partnership lists every partner as signatory."""
    authorise(actor)
    member = await repository.member_by_code(session, member_code)
    if member is None:
        raise NotFound(MembersRefusal.NO_MEMBER, code=member_code)
    existing = (await repository.memberships_of_members(session, [member.id]))[member.id]
    if any(is_open(membership_dates(m)) for m in existing):
        raise ValidationFailed.single(
            "memberCode", MembersRefusal.MEMBERSHIP_OPEN, member=member.name
        )
    errors = ErrorCollector()
    partners: list[Signatory] = []
    for i, signatory in enumerate(signatories):
        name = signatory.name.strip()
        if not name:
            errors.add(f"signatories[{i}].name", Common.REQUIRED)
        oin = (
            errors.check(partial(identifiers.oin, signatory.oin, f"signatories[{i}].oin"))
            if signatory.oin
            else None
        )
        partners.append(Signatory(position=i + 1, name=name, oin=oin))
    if member.type is MemberType.PARTNERSHIP and len(partners) < 2:
        errors.add("signatories", MembersRefusal.PARTNERS_REQUIRED)
    if member.type is not MemberType.PARTNERSHIP and partners:
        errors.add("signatories", MembersRefusal.NOT_PARTNERSHIP)
    errors.raise_if_any()
    membership = Membership(member_id=member.id, applied_on=applied_on, signatories=partners)
    await add_audited(
        session,
        actor,
        membership,
        signatories=[{"name": p.name, "oin": p.oin} for p in partners],
    )
    return membership


async def register_applicant(
    session: AsyncSession,
    actor: Actor,
    data: MemberInput,
    applied_on: date,
    signatories: Sequence[SignatoryInput] = (),
) -> Membership:
    """Register a new government body and its application in one step."""
    member = await create_member(session, actor, data)
    return await apply_for_membership(session, actor, member.code, applied_on, signatories)


async def _membership(session: AsyncSession, membership_id: int) -> Membership:
    """The membership a lifecycle step changes, locked until commit and read as stored then:
    the same step sent twice at the same moment is refused the second time, not done twice."""
    await serialise(session, f"membership:{membership_id}")
    membership = await repository.membership_by_id(session, membership_id, fresh=True)
    if membership is None:
        raise NotFound(MembersRefusal.NO_MEMBERSHIP, membership=str(membership_id))
    return membership


async def update_membership(
    session: AsyncSession, actor: Actor, membership: Membership, operation: str, **values: object
) -> Membership:
    """Fill the columns of one lifecycle step (earlier steps' columns are never touched)."""
    async with recording_change(
        session, actor, operation, membership, member_id=membership.member_id
    ):
        for key, value in values.items():
            setattr(membership, key, value)
    return membership


async def decide_approval(
    session: AsyncSession, actor: Actor, membership_id: int, decision_reference: str, approved: bool
) -> Membership:
    """The RvC approves or rejects an application, by a recorded RvC decision."""
    authorise(actor)
    membership = await _membership(session, membership_id)
    if membership.approval_outcome is not None:
        raise ValidationFailed.single("membership", MembersRefusal.ALREADY_DECIDED)
    decision = await decision_of(session, decision_reference, DecisionBody.RVC, "decision")
    if decision.decided_on < membership.applied_on:
        raise ValidationFailed.single(
            "decision",
            MembersRefusal.DECISION_BEFORE_APPLICATION,
            reference=decision.reference,
            applied=membership.applied_on,
        )
    outcome = ApprovalOutcome.APPROVED if approved else ApprovalOutcome.REJECTED
    return await update_membership(
        session,
        actor,
        membership,
        "approve" if approved else "reject",
        approval_decision_id=decision.id,
        approval_outcome=outcome,
    )


@dataclass(frozen=True, slots=True)
class AdmissionInput:
    membership_id: int
    start_date: date
    agreement_reference: str
    decision_reference: str | None = None
    entry_fee: Decimal | None = None
    entry_fee_decision_reference: str | None = None


async def admit(session: AsyncSession, actor: Actor, data: AdmissionInput) -> Membership:
    """The directie admits an approved applicant from a start date, with the signed agreement.

    The start date may not lie in a closed financial year: it decides the contribution and the
    entry fee of that year, which can no longer be billed or corrected there."""
    authorise(actor)
    membership = await _membership(session, data.membership_id)
    await refuse_closed(session, {"startDate": data.start_date})
    approval = (
        await repository.decisions_by_ids(session, [membership.approval_decision_id])
        if membership.approval_decision_id is not None
        else {}
    )
    approved_on = (
        approval[membership.approval_decision_id].decided_on
        if membership.approval_decision_id in approval
        else membership.applied_on
    )
    check_admission(
        membership_dates(membership), approved_on, data.start_date, data.agreement_reference
    )
    earlier = (await repository.memberships_of_members(session, [membership.member_id]))[
        membership.member_id
    ]
    for other in earlier:
        if other.id != membership.id and other.end_date and other.end_date >= data.start_date:
            raise ValidationFailed.single(
                "startDate", MembersRefusal.OVERLAPS_MEMBERSHIP, end=other.end_date
            )
    errors = ErrorCollector()
    admission = None
    if data.decision_reference:
        admission = await errors.check_awaitable(
            decision_of(session, data.decision_reference, DecisionBody.DIRECTIE, "decision")
        )
    entry_fee_cents = None
    entry_fee_decision = None
    if data.entry_fee is not None:
        if data.entry_fee < 0 or data.entry_fee != data.entry_fee.quantize(Decimal("0.01")):
            errors.add("entryFee", MembersRefusal.ENTRY_FEE_INVALID)
        else:
            entry_fee_cents = to_cents(data.entry_fee)
        if not data.entry_fee_decision_reference:
            errors.add("entryFeeDecision", MembersRefusal.ENTRY_FEE_DECISION_REQUIRED)
    if data.entry_fee_decision_reference:
        entry_fee_decision = await errors.check_awaitable(
            decision_of(
                session, data.entry_fee_decision_reference, DecisionBody.ALV, "entryFeeDecision"
            ),
        )
    errors.raise_if_any()
    return await update_membership(
        session,
        actor,
        membership,
        "admit",
        start_date=data.start_date,
        agreement_reference=data.agreement_reference.strip(),
        admission_decision_id=admission.id if admission else None,
        entry_fee_cents=entry_fee_cents,
        entry_fee_decision_id=entry_fee_decision.id if entry_fee_decision else None,
    )
