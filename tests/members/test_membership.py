"""The membership lifecycle: refusals, partnerships, notice with a capped exit charge, mergers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.fees.models import PopulationPolicy
from registry.fees.service import NoticeInput, RateInput, give_notice, run_fees, set_rate
from registry.kit.errors import ValidationFailed
from registry.members import repository
from registry.members.membership import MembershipStatus, status_on
from registry.members.memberships import (
    AdmissionInput,
    SignatoryInput,
    admit,
    apply_for_membership,
    decide_approval,
    exit_charge_of,
    membership_dates,
    register_applicant,
)
from registry.members.merger import MergerInput, merge_municipalities
from registry.members.models import EndReason, Membership
from registry.members.registration import MemberInput
from tests.helpers.cooperative import ACTOR


async def _only_membership(session: AsyncSession, code: str) -> Membership:
    member = await repository.member_by_code(session, code)
    assert member is not None
    (membership,) = (await repository.memberships_of_members(session, [member.id]))[member.id]
    return membership


async def test_status_follows_the_steps_and_keeps_every_date(cooperative: AsyncSession) -> None:
    membership = await register_applicant(
        cooperative,
        ACTOR,
        MemberInput("eindhoven", "Gemeente Eindhoven", "gemeente", ["GM0772"]),
        date(2019, 9, 1),
    )
    assert status_on(membership_dates(membership), date(2019, 9, 2)) is MembershipStatus.APPLIED
    await decide_approval(cooperative, ACTOR, membership.id, "RvC-2019-07", approved=True)
    await admit(cooperative, ACTOR, AdmissionInput(membership.id, date(2020, 3, 1), "OVK-7"))
    dates = membership_dates(membership)
    assert status_on(dates, date(2020, 2, 1)) is MembershipStatus.ADMITTED
    assert status_on(dates, date(2020, 3, 1)) is MembershipStatus.ACTIVE
    assert (membership.applied_on, membership.start_date, membership.agreement_reference) == (
        date(2019, 9, 1),
        date(2020, 3, 1),
        "OVK-7",
    )
    operations = await cooperative.scalars(
        select(AuditEvent.operation)
        .where(AuditEvent.entity_type == "membership", AuditEvent.entity_id == str(membership.id))
        .order_by(AuditEvent.seq)
    )
    assert list(operations) == ["create", "approve", "admit"]


async def test_admission_refusals(cooperative: AsyncSession) -> None:
    membership = await register_applicant(
        cooperative,
        ACTOR,
        MemberInput("eindhoven", "Gemeente Eindhoven", "gemeente", ["GM0772"]),
        date(2019, 9, 1),
    )
    with pytest.raises(ValidationFailed) as unapproved:
        await admit(cooperative, ACTOR, AdmissionInput(membership.id, date(2020, 1, 1), "OVK"))
    assert unapproved.value.errors[0].code == "not_approved"
    with pytest.raises(ValidationFailed) as wrong_body:
        await decide_approval(cooperative, ACTOR, membership.id, "ALV-2019-12", approved=True)
    assert wrong_body.value.errors[0].code == "wrong_body"
    await decide_approval(cooperative, ACTOR, membership.id, "RvC-2019-07", approved=True)
    with pytest.raises(ValidationFailed) as early:
        await admit(cooperative, ACTOR, AdmissionInput(membership.id, date(2019, 9, 30), "OVK"))
    assert (early.value.errors[0].field, early.value.errors[0].code) == (
        "startDate",
        "before_approval",
    )
    assert early.value.errors[0].text("nl") == (
        "De ingangsdatum 30 september 2019 ligt vóór de goedkeuring door de RvC op 1 oktober 2019."
    )
    with pytest.raises(ValidationFailed) as unsigned:
        await admit(cooperative, ACTOR, AdmissionInput(membership.id, date(2020, 1, 1), " "))
    assert unsigned.value.errors[0].field == "agreementReference"
    with pytest.raises(ValidationFailed) as fee_without_decision:
        await admit(
            cooperative,
            ACTOR,
            AdmissionInput(membership.id, date(2020, 1, 1), "OVK", entry_fee=Decimal("2500")),
        )
    assert fee_without_decision.value.errors[0].field == "entryFeeDecision"
    admitted = await admit(
        cooperative,
        ACTOR,
        AdmissionInput(
            membership.id,
            date(2020, 1, 1),
            "OVK",
            decision_reference="DIR-2020-01",
            entry_fee=Decimal("2500.00"),
            entry_fee_decision_reference="ALV-2019-12",
        ),
    )
    assert admitted.entry_fee_cents == 250_000
    with pytest.raises(ValidationFailed) as second:
        await apply_for_membership(cooperative, ACTOR, "eindhoven", date(2021, 1, 1))
    assert second.value.errors[0].code == "membership_open"
    assert second.value.errors[0].text("nl") == (
        "Gemeente Eindhoven heeft al een lidmaatschap dat niet is beëindigd."
    )


async def test_only_government_bodies_can_apply(cooperative: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await register_applicant(
            cooperative, ACTOR, MemberInput("acme", "Acme BV", "bv"), date(2020, 1, 1)
        )
    assert refused.value.errors[0].code == "not_government_body"
    assert await repository.member_by_code(cooperative, "acme") is None


async def test_partnership_lists_all_partners_as_signatories(cooperative: AsyncSession) -> None:
    partnership = MemberInput("samenwerking-a", "Samenwerking A", "partnership", ["GM0772"])
    with pytest.raises(ValidationFailed) as alone:
        await register_applicant(
            cooperative, ACTOR, partnership, date(2020, 1, 1), [SignatoryInput("Eindhoven")]
        )
    assert alone.value.errors[0].code == "partners_required"
    membership = await register_applicant(
        cooperative,
        ACTOR,
        MemberInput("samenwerking-b", "Samenwerking B", "partnership", ["GM0772"]),
        date(2020, 1, 1),
        [SignatoryInput("Gemeente Eindhoven"), SignatoryInput("Gemeente Woerden")],
    )
    assert [s.name for s in membership.signatories] == ["Gemeente Eindhoven", "Gemeente Woerden"]


async def test_exit_charge_is_capped_at_one_year_of_contribution(
    cooperative: AsyncSession,
) -> None:
    membership = await _only_membership(cooperative, "woerden")
    ended = await give_notice(
        cooperative,
        ACTOR,
        NoticeInput(membership.id, date(2020, 3, 1), date(2020, 12, 31), exit_charge="25000"),
    )
    # One year at the 2020 rate: 52,299 × 0.35 = 18,304.65 < 25,000 requested.
    assert (ended.exit_charge_requested_cents, ended.exit_charge_cap_cents) == (
        2_500_000,
        1_830_465,
    )
    assert ended.exit_charge_cents == 1_830_465
    charge = exit_charge_of(ended)
    assert charge is not None
    assert (charge.rate, charge.inhabitants, charge.year) == (Decimal("0.35"), 52_299, 2020)
    assert charge.reference_date == date(2020, 1, 1)
    assert charge.capped
    assert "52299 inhabitants" in charge.explanation()
    assert status_on(membership_dates(ended), date(2021, 1, 1)) is MembershipStatus.ENDED
    with pytest.raises(ValidationFailed) as again:
        await give_notice(
            cooperative, ACTOR, NoticeInput(membership.id, date(2020, 4, 1), date(2020, 12, 31))
        )
    assert again.value.errors[0].code == "already_ended"


async def test_exit_charge_below_the_cap_is_charged_as_requested(
    cooperative: AsyncSession,
) -> None:
    membership = await _only_membership(cooperative, "woerden")
    ended = await give_notice(
        cooperative,
        ACTOR,
        NoticeInput(membership.id, date(2020, 3, 1), date(2020, 6, 30), exit_charge="1000,50"),
    )
    assert ended.exit_charge_cents == 100_050
    lines = {
        line.member_code: line for line in (await run_fees(cooperative, ACTOR, 2020)).run.lines
    }
    # Ends 30 June 2020: 182 of 366 days; 18,304.65 × 182 / 366 = 9,102.31...
    assert (lines["woerden"].days_billable, lines["woerden"].amount_cents) == (182, 910_231)


async def test_an_ambiguous_exit_charge_is_refused_with_both_readings(
    cooperative: AsyncSession,
) -> None:
    membership = await _only_membership(cooperative, "woerden")
    with pytest.raises(ValidationFailed) as refused:
        await give_notice(
            cooperative,
            ACTOR,
            NoticeInput(membership.id, date(2020, 3, 1), date(2020, 6, 30), exit_charge="1.000"),
        )
    error = refused.value.errors[0]
    assert (error.field, error.code) == ("exitCharge", "invalid_amount")
    assert error.message.startswith("exit charge: '1.000' is ambiguous: write 1000")
    assert error.text("nl") == (
        "Ongeldige uittreedvergoeding: '1.000' is niet eenduidig: schrijf 1000 (zonder punt)"
        " voor het duizendtal of 1,000 (met een komma) voor het getal met decimalen."
    )
    assert (await _only_membership(cooperative, "woerden")).end_date is None


async def test_merger_moves_the_membership_to_the_successor(cooperative: AsyncSession) -> None:
    outcome = await merge_municipalities(
        cooperative,
        ACTOR,
        MergerInput(
            effective_date=date(2021, 1, 1),
            successor_code="GM1999",
            successor_name="Woerden-Groot",
            predecessor_codes=["GM0632"],
            successor_member_code="woerden-groot",
        ),
    )
    assert [m.code for m in outcome.absorbed] == ["woerden"]
    assert outcome.successor_member is not None
    old = await _only_membership(cooperative, "woerden")
    assert (old.end_date, old.end_reason) == (date(2020, 12, 31), EndReason.MERGER)
    assert old.successor_member_id == outcome.successor_member.id
    new = await _only_membership(cooperative, "woerden-groot")
    assert new.start_date == date(2021, 1, 1)
    predecessor = await repository.municipality_by_code(cooperative, "GM0632")
    assert predecessor is not None
    assert predecessor.valid_to == date(2020, 12, 31)
    count = await cooperative.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.operation == "merge")
    )
    assert count == 2  # the municipality and the old membership


async def test_merger_regroups_a_gr_and_bills_the_successor_on_predecessor_figures(
    cooperative: AsyncSession,
) -> None:
    await merge_municipalities(
        cooperative,
        ACTOR,
        MergerInput(date(2021, 1, 1), "GM1998", "Meierijstad-Noord", ["GM0757", "GM0845"]),
    )
    gr = await repository.member_by_code(cooperative, "gr-meierijstad-noord")
    assert gr is not None
    (municipalities,) = (await repository.municipalities_of_members(cooperative, [gr.id])).values()
    assert [m.cbs_code for m in municipalities] == ["GM1998"]
    # Only the 2020 figures are there: the rate allows the latest published figure.
    await set_rate(
        cooperative,
        ACTOR,
        RateInput(2021, "0.35", "ALV-2019-12", population_policy=PopulationPolicy.LATEST_PUBLISHED),
    )
    lines = {
        line.member_code: line for line in (await run_fees(cooperative, ACTOR, 2021)).run.lines
    }
    line = lines["gr-meierijstad-noord"]
    # No CBS figure for the new municipality yet: the predecessors' 30,801 + 29,208.
    assert (line.inhabitants, line.amount_cents) == (60_009, 2_100_315)
    assert line.population_basis is PopulationPolicy.LATEST_PUBLISHED
    assert "sum of predecessors GM0757 30801, GM0845 29208" in line.figures


async def test_merger_refusals(cooperative: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await merge_municipalities(
            cooperative,
            ACTOR,
            MergerInput(date(2021, 3, 1), "GM0632", "X", ["GM0632", "GM9999"]),
        )
    assert {e.code for e in refused.value.errors} == {"not_january_first", "is_predecessor"}
    with pytest.raises(ValidationFailed) as member_needed:
        await merge_municipalities(
            cooperative, ACTOR, MergerInput(date(2021, 1, 1), "GM1999", "Groot", ["GM0632"])
        )
    assert member_needed.value.errors[0].field == "successorMemberCode"
