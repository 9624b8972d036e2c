"""Contribution rates, fee runs and the exit charge. Services flush, never commit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record, recording_upsert
from registry.audit.snapshot import snapshot
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.db import serialise
from registry.fees import repository
from registry.fees.contribution import (
    Contribution,
    Difference,
    MembershipPeriod,
    RateTerms,
    contributions,
    differences,
    figures_document,
    inputs_digest,
    population_for,
)
from registry.fees.errors import FeesRefusal
from registry.fees.models import ContributionRate, FeeLine, FeeRun, PopulationPolicy, ProRata
from registry.kit.errors import ErrorCollector, NotFound, RefusedValue, ValidationFailed
from registry.kit.money import Cents, parse_euro, parse_rate, to_cents
from registry.members import repository as members
from registry.members.decisions import decision_of
from registry.members.errors import MembersRefusal
from registry.members.figures import figures_of
from registry.members.membership import check_notice, exit_charge
from registry.members.memberships import membership_dates, update_membership
from registry.members.models import DecisionBody, EndReason, Membership
from registry.members.population import PopulationMissing
from registry.years.service import refuse_closed

MIN_YEAR, MAX_YEAR = 1990, 2200


def _authorise(actor: Actor) -> None:
    require(actor, Permission.FEES_MANAGE, FeesRefusal.DIRECTIE_ONLY)


def _year(year: int, field: str = "year") -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed.single(
            field, FeesRefusal.YEAR_OUT_OF_RANGE, first=str(MIN_YEAR), last=str(MAX_YEAR)
        )
    return year


@dataclass(frozen=True, slots=True)
class RateInput:
    year: int
    rate: str
    decision_reference: str
    pro_rata: ProRata = ProRata.BY_DAYS
    population_policy: PopulationPolicy = PopulationPolicy.JANUARY_FIRST
    """As the membership agreement says: the figures of 1 January of the year."""


async def set_rate(session: AsyncSession, actor: Actor, data: RateInput) -> ContributionRate:
    """Record the rate of a year from its ALV decision; a later decision replaces it, audited."""
    _authorise(actor)
    errors = ErrorCollector()
    year = errors.check(lambda: _year(data.year))
    rate: Decimal | None = None
    try:
        rate = parse_rate_field(data.rate)
    except ValidationFailed as exc:
        errors.errors.extend(exc.errors)
    decision = None
    if not data.decision_reference.strip():
        errors.add("decision", FeesRefusal.RATE_DECISION_REQUIRED)
    else:
        decision = await errors.check_awaitable(
            decision_of(session, data.decision_reference, DecisionBody.ALV, "decision")
        )
    errors.raise_if_any()
    assert year is not None
    assert rate is not None
    assert decision is not None
    await refuse_closed(session, {"year": year})
    existing = await repository.rate_for(session, year)
    async with recording_upsert(
        session,
        actor,
        existing,
        lambda: ContributionRate(year=year),
        entity_id=str(year),
        decision=decision.reference,
    ) as current:
        current.rate = rate
        current.decision_id = decision.id
        current.pro_rata = data.pro_rata
        current.population_policy = data.population_policy
    return current


def parse_rate_field(text: str) -> Decimal:
    """A typed rate, or the refusal on the `rate` field saying why it cannot be read."""
    try:
        return parse_rate(text)
    except RefusedValue as exc:
        raise ValidationFailed.single("rate", FeesRefusal.INVALID_RATE, reason=exc.phrase) from None


async def terms_for(session: AsyncSession, year: int) -> RateTerms:
    rate = await repository.rate_for(session, year)
    if rate is None:
        raise ValidationFailed.single("year", FeesRefusal.NO_RATE, year=str(year))
    decision = (await members.decisions_by_ids(session, [rate.decision_id]))[rate.decision_id]
    return RateTerms(year, rate.rate, decision.reference, rate.pro_rata, rate.population_policy)


@dataclass(frozen=True, slots=True)
class FeeRunPreview:
    """A fee run as it would be stored, compared with the latest stored run of the year."""

    terms: RateTerms
    lines: tuple[Contribution, ...]
    inputs_sha256: str
    previous: FeeRun | None
    differences: tuple[Difference, ...]

    @property
    def total(self) -> Cents:
        return Cents(sum(line.amount for line in self.lines))

    @property
    def unchanged(self) -> bool:
        """Same inputs as the latest run: running would store nothing."""
        return self.previous is not None and self.previous.inputs_sha256 == self.inputs_sha256


async def preview_fee_run(session: AsyncSession, actor: Actor, year: int) -> FeeRunPreview:
    """Compute every member's contribution for the year without storing anything."""
    _authorise(actor)
    _year(year)
    terms = await terms_for(session, year)
    memberships = await members.memberships_overlapping(
        session, date(year, 1, 1), date(year, 12, 31)
    )
    member_ids = sorted({m.member_id for m in memberships})
    by_member = await members.members_by_ids(session, member_ids)
    municipalities = await members.municipalities_of_members(session, member_ids)
    everything = list({m.id: m for ms in municipalities.values() for m in ms}.values())
    figures = await figures_of(session, everything)
    periods = [
        MembershipPeriod(
            member_code=by_member[m.member_id].code,
            membership_id=m.id,
            start_date=m.start_date,
            end_date=m.end_date,
            cbs_codes=tuple(x.cbs_code for x in municipalities[m.member_id]),
        )
        for m in memberships
        if m.start_date is not None
    ]
    without = [p.member_code for p in periods if not p.cbs_codes]
    if without:
        raise ValidationFailed.single(
            "members", FeesRefusal.NO_MUNICIPALITIES, members=", ".join(sorted(without))
        )
    try:
        lines = contributions(terms, periods, figures)
    except PopulationMissing as exc:
        raise ValidationFailed.single("populationFigures", exc.phrase) from None
    previous = await repository.latest_run(session, year)
    return FeeRunPreview(
        terms=terms,
        lines=tuple(lines),
        inputs_sha256=inputs_digest(terms, lines),
        previous=previous,
        differences=tuple(
            differences(
                ((p.member_code, p.membership_id, Cents(p.amount_cents)) for p in previous.lines)
                if previous
                else (),
                ((c.member_code, c.membership_id, c.amount) for c in lines),
            )
        ),
    )


@dataclass(frozen=True, slots=True)
class FeeRunResult:
    run: FeeRun
    created: bool
    """False when the inputs equal those of the latest run: nothing was stored."""
    preview: FeeRunPreview


async def run_fees(session: AsyncSession, actor: Actor, year: int) -> FeeRunResult:
    """Store the year's fee run, unless the latest run already has exactly these inputs.

    Runs of one year follow each other: a second run at the same moment waits, then finds
    the first one's run with the same inputs and stores nothing.
    """
    _authorise(actor)
    await refuse_closed(session, {"year": _year(year)})
    await serialise(session, f"fee_run:{year}")
    preview = await preview_fee_run(session, actor, year)
    if preview.unchanged:
        assert preview.previous is not None
        return FeeRunResult(preview.previous, created=False, preview=preview)
    codes = [line.member_code for line in preview.lines]
    member_ids = await members.member_ids_by_codes(session, codes)
    rate = await repository.rate_for(session, year)
    assert rate is not None
    run = FeeRun(
        year=year,
        sequence=await repository.next_sequence(session, year),
        inputs_sha256=preview.inputs_sha256,
        previous_run_id=preview.previous.id if preview.previous else None,
        total_cents=preview.total,
        created_by=actor.label,
        lines=[
            FeeLine(
                member_id=member_ids[line.member_code],
                member_code=line.member_code,
                membership_id=line.membership_id,
                rate_id=rate.id,
                rate=preview.terms.rate,
                decision_reference=preview.terms.decision_reference,
                inhabitants=line.population.inhabitants.total,
                reference_date=line.population.reference_date,
                population_basis=line.population.basis,
                figures=json.dumps(
                    figures_document(line.population.inhabitants.figures),
                    sort_keys=True,
                    separators=(",", ":"),
                    ensure_ascii=False,
                ),
                pro_rata=preview.terms.pro_rata,
                billable_from=line.billable_from,
                billable_to=line.billable_to,
                days_billable=line.days_billable,
                days_in_year=line.days_in_year,
                amount_cents=line.amount,
            )
            for line in preview.lines
        ],
    )
    session.add(run)
    await session.flush()
    await record(
        session,
        actor,
        operation="create",
        entity_type="fee_run",
        entity_id=f"{year}/{run.sequence}",
        before=None,
        after=snapshot(
            run,
            lines=[
                {
                    "member": line.member_code,
                    "amount_cents": line.amount,
                    "inhabitants": line.population.inhabitants.total,
                }
                for line in preview.lines
            ],
            differences=[
                {"member": d.member_code, "difference_cents": d.amount}
                for d in preview.differences
                if d.amount
            ],
        ),
    )
    return FeeRunResult(run, created=True, preview=preview)


@dataclass(frozen=True, slots=True)
class NoticeInput:
    membership_id: int
    notice_date: date
    end_date: date
    exit_charge: str = "0"


async def give_notice(session: AsyncSession, actor: Actor, data: NoticeInput) -> Membership:
    """Record notice and end date, and the exit charge capped at one year's contribution.

    Lives with the fees because the cap is a contribution: the rate and population figures
    of the year in which the membership ends.
    """
    require(actor, Permission.MEMBERS_MANAGE, FeesRefusal.NOTICE_DIRECTIE_ONLY)
    await refuse_closed(session, {"endDate": data.end_date})
    # Locked and read as stored: the same notice sent twice at once is recorded once.
    await serialise(session, f"membership:{data.membership_id}")
    membership = await members.membership_by_id(session, data.membership_id, fresh=True)
    if membership is None:
        raise NotFound(MembersRefusal.NO_MEMBERSHIP, membership=str(data.membership_id))
    check_notice(membership_dates(membership), data.notice_date, data.end_date)
    try:
        requested = to_cents(parse_euro(data.exit_charge))
    except RefusedValue as exc:
        raise ValidationFailed.single(
            "exitCharge", FeesRefusal.INVALID_EXIT_CHARGE, reason=exc.phrase
        ) from None
    terms = await terms_for(session, data.end_date.year)
    municipalities = (await members.municipalities_of_members(session, [membership.member_id]))[
        membership.member_id
    ]
    figures = await figures_of(session, municipalities)
    codes = [m.cbs_code for m in municipalities]
    try:
        population = population_for(terms.population_policy, terms.year, codes, figures)
    except PopulationMissing as exc:
        raise ValidationFailed.single("populationFigures", exc.phrase) from None
    charge = exit_charge(
        requested, terms.rate, population.inhabitants.total, population.reference_date, terms.year
    )
    return await update_membership(
        session,
        actor,
        membership,
        "notice",
        notice_date=data.notice_date,
        end_date=data.end_date,
        end_reason=EndReason.NOTICE,
        exit_charge_requested_cents=charge.requested,
        exit_charge_cap_cents=charge.cap,
        exit_charge_cents=charge.charged,
        exit_charge_rate=charge.rate,
        exit_charge_inhabitants=charge.inhabitants,
        exit_charge_reference_date=charge.reference_date,
    )


async def contributions_of_member(
    session: AsyncSession, actor: Actor, member_id: int
) -> list[tuple[int, FeeLine]]:
    """The member's contribution per year, from the latest run of each year."""
    require(
        actor,
        Permission.MEMBER_READ_PRIVATE,
        FeesRefusal.CONTRIBUTIONS_PRIVATE,
        member_id=member_id,
    )
    return await repository.current_lines_of_members(session, [member_id])
