"""The membership lifecycle: application → RvC approval → admission → notice → end.

Pure rules over a membership's dates, so the service, the pages and the fee run agree on
what "active" means and which step may come next.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from registry.kit.errors import Common, ValidationFailed
from registry.kit.money import Cents, to_cents, to_euro
from registry.members.errors import MembersRefusal


class MembershipStatus(enum.StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    ADMITTED = "admitted"
    """Admitted with a start date still in the future."""
    ACTIVE = "active"
    NOTICE_GIVEN = "notice_given"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Dates:
    """The dates of one membership that decide its status."""

    applied_on: date
    approved: bool | None
    start_date: date | None
    notice_date: date | None
    end_date: date | None


def status_on(dates: Dates, on: date) -> MembershipStatus:
    """A membership's status on a date; a member is a member from start date to end date."""
    if dates.approved is False:
        return MembershipStatus.REJECTED
    if dates.end_date is not None and on > dates.end_date:
        return MembershipStatus.ENDED
    if dates.start_date is not None:
        if on < dates.start_date:
            return MembershipStatus.ADMITTED
        if dates.notice_date is not None and on >= dates.notice_date:
            return MembershipStatus.NOTICE_GIVEN
        return MembershipStatus.ACTIVE
    if dates.approved:
        return MembershipStatus.APPROVED
    return MembershipStatus.APPLIED


def is_member_on(dates: Dates, on: date) -> bool:
    """Member with rights and obligations: admitted, started and not yet ended (notice counts)."""
    return status_on(dates, on) in (MembershipStatus.ACTIVE, MembershipStatus.NOTICE_GIVEN)


def is_open(dates: Dates) -> bool:
    """Not rejected and no end date set: a member has at most one open membership."""
    return dates.approved is not False and dates.end_date is None


def check_admission(
    dates: Dates, approval_decided_on: date, start_date: date, agreement_reference: str
) -> None:
    """Admission needs an RvC approval, a signed agreement, and a start on or after approval."""
    if dates.approved is None:
        raise ValidationFailed.single("membership", MembersRefusal.NOT_APPROVED)
    if dates.approved is False:
        raise ValidationFailed.single("membership", MembersRefusal.APPLICATION_REJECTED)
    if dates.start_date is not None:
        raise ValidationFailed.single("membership", MembersRefusal.ALREADY_ADMITTED)
    if start_date < approval_decided_on:
        raise ValidationFailed.single(
            "startDate",
            MembersRefusal.START_BEFORE_APPROVAL,
            start=start_date,
            approved=approval_decided_on,
        )
    if not agreement_reference.strip():
        raise ValidationFailed.single("agreementReference", Common.REQUIRED)


def check_notice(dates: Dates, notice_date: date, end_date: date) -> None:
    if dates.start_date is None:
        raise ValidationFailed.single("membership", MembersRefusal.NOT_ADMITTED)
    if dates.end_date is not None:
        raise ValidationFailed.single("membership", MembersRefusal.NOTICE_ALREADY_GIVEN)
    if notice_date < dates.start_date:
        raise ValidationFailed.single("noticeDate", MembersRefusal.NOTICE_BEFORE_START)
    if end_date < notice_date:
        raise ValidationFailed.single("endDate", MembersRefusal.END_BEFORE_NOTICE)


@dataclass(frozen=True, slots=True)
class ExitCharge:
    """The exit charge with how it was computed: requested, capped at one year's contribution."""

    requested: Cents
    cap: Cents
    charged: Cents
    rate: Decimal
    inhabitants: int
    reference_date: date
    year: int

    @property
    def capped(self) -> bool:
        return self.charged < self.requested

    def explanation(self) -> str:
        cap = (
            f"cap = one year's contribution {self.year}: {self.inhabitants} inhabitants "
            f"(figure of {self.reference_date.isoformat()}) × EUR {self.rate} = "
            f"EUR {to_euro(self.cap)}"
        )
        outcome = "capped" if self.capped else "within the cap"
        return (
            f"requested EUR {to_euro(self.requested)}; {cap}; "
            f"charged EUR {to_euro(self.charged)} ({outcome})"
        )


def exit_charge(
    requested: Cents, rate: Decimal, inhabitants: int, reference_date: date, year: int
) -> ExitCharge:
    """Leaving may cost at most one full year's contribution (docs/rules.md, exit charge cap)."""
    if requested < 0:
        raise ValidationFailed.single("exitCharge", MembersRefusal.EXIT_CHARGE_NEGATIVE)
    cap = to_cents(rate * inhabitants)
    return ExitCharge(
        requested=requested,
        cap=cap,
        charged=Cents(min(requested, cap)),
        rate=rate,
        inhabitants=inhabitants,
        reference_date=reference_date,
        year=year,
    )
