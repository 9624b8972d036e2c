"""Rules for municipalities, population figures and members. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import Change, record, record_many
from registry.audit.snapshot import Snapshot, snapshot
from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.kit.errors import Common, ErrorCollector, Forbidden, NotFound, ValidationFailed
from registry.kit.money import Cents, to_cents
from registry.members import identifiers, repository
from registry.members.errors import BODY_NAMES, MembersRefusal, decision_body, member_type
from registry.members.membership import Dates, ExitCharge, check_admission, is_open
from registry.members.membership import is_member_on as is_member_on_date
from registry.members.models import (
    ApprovalOutcome,
    Decision,
    DecisionBody,
    EndReason,
    FigureStatus,
    Member,
    Membership,
    MemberType,
    Municipality,
    PopulationFigure,
    Signatory,
    Succession,
)
from registry.members.population import Figure, Inhabitants, PopulationRow, inhabitants_on

CBS_SOURCE = "CBS StatLine 70072ned (Regionale kerncijfers Nederland), CC BY 4.0"


@dataclass(slots=True)
class ImportResult:
    municipalities_created: int = 0
    municipalities_renamed: int = 0
    figures_created: int = 0
    figures_corrected: int = 0
    figures_unchanged: int = 0


def _authorise(actor: Actor) -> None:
    if not allows(actor, Permission.MEMBERS_MANAGE):
        raise Forbidden(MembersRefusal.DIRECTIE_ONLY)


async def import_population(
    session: AsyncSession,
    actor: Actor,
    rows: Sequence[PopulationRow],
    *,
    source: str = CBS_SOURCE,
    status: FigureStatus = FigureStatus.FINAL,
) -> ImportResult:
    """Register municipalities and figures; a changed figure for the same date is a correction.

    The caller's transaction makes the import all-or-nothing.
    """
    _authorise(actor)
    result = ImportResult()
    changes: list[tuple[str, Municipality | PopulationFigure, Snapshot | None]] = []
    known = await repository.municipalities_by_codes(session, sorted({r.cbs_code for r in rows}))
    for row in rows:
        municipality = known.get(row.cbs_code)
        if municipality is None:
            municipality = Municipality(cbs_code=row.cbs_code, name=row.name)
            session.add(municipality)
            known[row.cbs_code] = municipality
            changes.append(("create", municipality, None))
            result.municipalities_created += 1
        elif municipality.name != row.name:
            changes.append(("update", municipality, snapshot(municipality)))
            municipality.name = row.name
            result.municipalities_renamed += 1
    await session.flush()
    existing = {
        (f.municipality_id, f.reference_date): f
        for f in await repository.figures_for(session, [m.id for m in known.values()])
    }
    for row in rows:
        municipality = known[row.cbs_code]
        figure = existing.get((municipality.id, row.reference_date))
        if figure is None:
            figure = PopulationFigure(
                municipality_id=municipality.id,
                reference_date=row.reference_date,
                count=row.population,
                source=source,
                status=status,
            )
            session.add(figure)
            changes.append(("create", figure, None))
            result.figures_created += 1
        elif (figure.count, figure.source, figure.status) != (row.population, source, status):
            changes.append(("update", figure, snapshot(figure)))
            figure.count, figure.source, figure.status = row.population, source, status
            result.figures_corrected += 1
        else:
            result.figures_unchanged += 1
    await session.flush()
    await record_many(
        session,
        actor,
        [
            Change(operation, entity.__tablename__, str(entity.id), before, snapshot(entity))
            for operation, entity, before in changes
        ],
    )
    return result


@dataclass(frozen=True, slots=True)
class MemberInput:
    code: str
    name: str
    type: str
    municipalities: Sequence[str] = field(default_factory=tuple)
    oin: str | None = None
    kvk: str | None = None


async def create_member(session: AsyncSession, actor: Actor, data: MemberInput) -> Member:
    """Register a member organisation; only government bodies, identifiers validated."""
    _authorise(actor)
    errors = ErrorCollector()
    code = data.code.strip()
    if not code:
        errors.add("code", Common.REQUIRED)
    elif await repository.member_by_code(session, code) is not None:
        errors.add("code", MembersRefusal.MEMBER_CODE_TAKEN, code=code)
    name = data.name.strip()
    if not name:
        errors.add("name", Common.REQUIRED)
    kind = errors.check(partial(member_type, data.type))
    oin = errors.check(partial(identifiers.oin, data.oin)) if data.oin else None
    kvk = errors.check(partial(identifiers.kvk, data.kvk)) if data.kvk else None
    codes: list[str] = []
    for i, raw in enumerate(data.municipalities):
        checked = errors.check(partial(identifiers.cbs_code, raw, f"municipalities[{i}]"))
        if checked is not None:
            codes.append(checked)
    known = await repository.municipalities_by_codes(session, codes)
    for i, cbs in enumerate(codes):
        if cbs not in known:
            errors.add(f"municipalities[{i}]", MembersRefusal.UNKNOWN_MUNICIPALITY, code=cbs)
    errors.raise_if_any()
    assert kind is not None
    member = Member(
        code=code,
        name=name,
        type=kind,
        oin=oin,
        kvk=kvk,
        municipalities=[known[c] for c in dict.fromkeys(codes)],
    )
    session.add(member)
    await session.flush()
    await record(
        session,
        actor,
        operation="create",
        entity_type="member",
        entity_id=member.code,
        before=None,
        after=snapshot(member, municipalities=[m.cbs_code for m in member.municipalities]),
        member_id=member.id,
    )
    return member


def as_figures(
    municipalities: Sequence[Municipality], figures: Sequence[PopulationFigure]
) -> list[Figure]:
    by_id = {m.id: m for m in municipalities}
    return [
        Figure(
            cbs_code=by_id[f.municipality_id].cbs_code,
            municipality=by_id[f.municipality_id].name,
            reference_date=f.reference_date,
            count=f.count,
            source=f.source,
            status=f.status.value,
        )
        for f in figures
        if f.municipality_id in by_id
    ]


async def figures_of(session: AsyncSession, municipalities: Sequence[Municipality]) -> list[Figure]:
    """Published figures, plus for a merger's successor without figures of its own the sum of
    its predecessors' figures per date (so a new municipality can be billed before CBS
    publishes it); the source says so.
    """
    ids = [m.id for m in municipalities]
    figures = as_figures(municipalities, await repository.figures_for(session, ids))
    have = {f.cbs_code for f in figures}
    orphans = [m for m in municipalities if m.cbs_code not in have]
    successions = await repository.successions_into(session, [m.id for m in orphans])
    if not successions:
        return figures
    predecessor_ids = sorted({s.predecessor_id for s in successions})
    predecessors = await repository.municipalities_by_ids(session, predecessor_ids)
    earlier = as_figures(predecessors, await repository.figures_for(session, predecessor_ids))
    by_id = {m.id: m for m in predecessors}
    for successor in orphans:
        codes = {
            by_id[s.predecessor_id].cbs_code for s in successions if s.successor_id == successor.id
        }
        dates = sorted({f.reference_date for f in earlier if f.cbs_code in codes})
        for on in dates:
            parts = sorted(
                (f for f in earlier if f.cbs_code in codes and f.reference_date == on),
                key=lambda f: f.cbs_code,
            )
            if {f.cbs_code for f in parts} != codes:
                continue
            figures.append(
                Figure(
                    cbs_code=successor.cbs_code,
                    municipality=successor.name,
                    reference_date=on,
                    count=sum(f.count for f in parts),
                    source="sum of predecessors "
                    + ", ".join(f"{f.cbs_code} {f.count}" for f in parts)
                    + f" ({parts[0].source})",
                    status="derived",
                )
            )
    return figures


async def member_inhabitants(session: AsyncSession, member_code: str, on: date) -> Inhabitants:
    """Inhabitants of a member on a date: the sum over the municipalities it stands for."""
    member = await repository.member_by_code(session, member_code)
    if member is None:
        raise NotFound(MembersRefusal.NO_MEMBER, code=member_code)
    municipalities = (await repository.municipalities_of_members(session, [member.id]))[member.id]
    figures = await figures_of(session, municipalities)
    return inhabitants_on([m.cbs_code for m in municipalities], figures, on)


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
class DecisionInput:
    body: str
    decided_on: date
    reference: str
    subject: str
    text: str | None = None
    document_url: str | None = None


async def record_decision(session: AsyncSession, actor: Actor, data: DecisionInput) -> Decision:
    """Record a decision of the ALV, RvC or directie; its reference is unique."""
    _authorise(actor)
    errors = ErrorCollector()
    body = errors.check(partial(decision_body, data.body))
    reference = data.reference.strip()
    if not reference:
        errors.add("reference", Common.REQUIRED)
    elif await repository.decision_by_reference(session, reference) is not None:
        errors.add("reference", MembersRefusal.DECISION_RECORDED, reference=reference)
    subject = data.subject.strip()
    if not subject:
        errors.add("subject", Common.REQUIRED)
    url = (data.document_url or "").strip() or None
    if url is not None and not url.startswith(("https://", "http://")):
        errors.add("documentUrl", MembersRefusal.DOCUMENT_URL_INVALID)
    errors.raise_if_any()
    assert body is not None
    decision = Decision(
        body=body,
        decided_on=data.decided_on,
        reference=reference,
        subject=subject,
        text=(data.text or "").strip() or None,
        document_url=url,
    )
    session.add(decision)
    await session.flush()
    await _audit_create(session, actor, decision, decision.reference)
    return decision


async def _audit_create(
    session: AsyncSession,
    actor: Actor,
    row: Decision | Membership | Municipality,
    entity_id: str,
    **extra: Any,
) -> None:
    await record(
        session,
        actor,
        operation="create",
        entity_type=row.__tablename__,
        entity_id=entity_id,
        before=None,
        after=snapshot(row, **extra),
        member_id=getattr(row, "member_id", None),
    )


async def decision_of(
    session: AsyncSession, reference: str, body: DecisionBody, field: str
) -> Decision:
    """The recorded decision `reference`, which must be one of `body`."""
    decision = await repository.decision_by_reference(session, reference.strip())
    if decision is None:
        raise ValidationFailed.single(field, MembersRefusal.UNKNOWN_DECISION, reference=reference)
    if decision.body is not body:
        raise ValidationFailed.single(
            field,
            MembersRefusal.DECISION_OF_OTHER_BODY,
            reference=decision.reference,
            body=BODY_NAMES[decision.body],
            needed=BODY_NAMES[body],
        )
    return decision


async def decision_of_any(session: AsyncSession, reference: str, field: str) -> Decision:
    """A recorded decision of any body (ALV, RvC or directie)."""
    decision = await repository.decision_by_reference(session, reference.strip())
    if decision is None:
        raise ValidationFailed.single(field, MembersRefusal.UNKNOWN_DECISION, reference=reference)
    return decision


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
    _authorise(actor)
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
    session.add(membership)
    await session.flush()
    await _audit_create(
        session,
        actor,
        membership,
        str(membership.id),
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
    membership = await repository.membership_by_id(session, membership_id)
    if membership is None:
        raise NotFound(MembersRefusal.NO_MEMBERSHIP, membership=str(membership_id))
    return membership


async def _update(
    session: AsyncSession, actor: Actor, membership: Membership, operation: str, **values: object
) -> Membership:
    """Fill the columns of one lifecycle step (earlier steps' columns are never touched)."""
    before = snapshot(membership)
    for key, value in values.items():
        setattr(membership, key, value)
    await session.flush()
    await record(
        session,
        actor,
        operation=operation,
        entity_type="membership",
        entity_id=str(membership.id),
        before=before,
        after=snapshot(membership),
        member_id=membership.member_id,
    )
    return membership


async def decide_approval(
    session: AsyncSession, actor: Actor, membership_id: int, decision_reference: str, approved: bool
) -> Membership:
    """The RvC approves or rejects an application, by a recorded RvC decision."""
    _authorise(actor)
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
    return await _update(
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
    """The directie admits an approved applicant from a start date, with the signed agreement."""
    _authorise(actor)
    membership = await _membership(session, data.membership_id)
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
    return await _update(
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
    _authorise(actor)
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
    known = await repository.municipalities_by_codes(session, [*codes, successor_code])
    day_before = data.effective_date - timedelta(days=1)
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

    successor = known.get(successor_code)
    if successor is None:
        name = data.successor_name.strip()
        if not name:
            raise ValidationFailed.single("successorName", MembersRefusal.SUCCESSOR_NAME_REQUIRED)
        successor = Municipality(cbs_code=successor_code, name=name, valid_from=data.effective_date)
        session.add(successor)
        await session.flush()
        await _audit_create(session, actor, successor, successor.cbs_code)
    predecessors = [known[c] for c in codes]
    for predecessor in predecessors:
        before = snapshot(predecessor)
        predecessor.valid_to = day_before
        session.add(
            Succession(
                predecessor_id=predecessor.id,
                successor_id=successor.id,
                effective_date=data.effective_date,
            )
        )
        await session.flush()
        await record(
            session,
            actor,
            operation="merge",
            entity_type="municipality",
            entity_id=predecessor.cbs_code,
            before=before,
            after=snapshot(predecessor, successor=successor.cbs_code),
        )

    predecessor_ids = {p.id for p in predecessors}
    affected = await repository.members_of_municipalities(session, sorted(predecessor_ids))
    municipalities = await repository.municipalities_of_members(session, [m.id for m in affected])
    memberships = await repository.memberships_of_members(session, [m.id for m in affected])
    absorbed = [
        m
        for m in affected
        if m.type is MemberType.GEMEENTE and {x.id for x in municipalities[m.id]} <= predecessor_ids
    ]
    regrouped = [m for m in affected if m not in absorbed]
    successor_member = await _successor_member(session, actor, data, successor, bool(absorbed))
    continuing = [
        ms
        for member in absorbed
        for ms in memberships[member.id]
        if ms.start_date is not None and (ms.end_date is None or ms.end_date >= data.effective_date)
    ]
    for membership in continuing:
        await _update(
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
        await _continue_membership(session, actor, successor_member, data.effective_date, absorbed)
    for member in regrouped:
        before_codes = [x.cbs_code for x in municipalities[member.id]]
        kept = [x for x in municipalities[member.id] if x.id not in predecessor_ids]
        await repository.set_member_municipalities(
            session, member.id, [*(x.id for x in kept), successor.id]
        )
        await record(
            session,
            actor,
            operation="merge",
            entity_type="member",
            entity_id=member.code,
            before={"municipalities": before_codes},
            after={"municipalities": sorted([*(x.cbs_code for x in kept), successor.cbs_code])},
            member_id=member.id,
        )
    return MergerOutcome(successor, successor_member, tuple(absorbed), tuple(regrouped))


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
    session.add(membership)
    await session.flush()
    await _audit_create(session, actor, membership, str(membership.id))
