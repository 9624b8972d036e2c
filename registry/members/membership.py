"""The membership lifecycle: application → RvC approval → admission → notice → end.

Pure rules over a membership's dates, so the service, the pages and the fee run agree on
what "active" means and which step may come next.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from registry.kit.errors import ValidationFailed
from registry.kit.money import Cents, to_cents, to_euro


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
        raise ValidationFailed.single(
            "membership", "not_approved", "the RvC has not approved this application yet"
        )
    if dates.approved is False:
        raise ValidationFailed.single("membership", "rejected", "the RvC rejected this application")
    if dates.start_date is not None:
        raise ValidationFailed.single(
            "membership", "already_admitted", "this membership has already been admitted"
        )
    if start_date < approval_decided_on:
        raise ValidationFailed.single(
            "startDate",
            "before_approval",
            f"the start date {start_date.isoformat()} is before the RvC approval of "
            f"{approval_decided_on.isoformat()}",
        )
    if not agreement_reference.strip():
        raise ValidationFailed.single(
            "agreementReference", "required", "the signed agreement's reference is required"
        )


def check_notice(dates: Dates, notice_date: date, end_date: date) -> None:
    if dates.start_date is None:
        raise ValidationFailed.single(
            "membership", "not_admitted", "only an admitted membership can be ended"
        )
    if dates.end_date is not None:
        raise ValidationFailed.single("membership", "already_ended", "notice was already given")
    if notice_date < dates.start_date:
        raise ValidationFailed.single(
            "noticeDate", "before_start", "the notice date is before the membership started"
        )
    if end_date < notice_date:
        raise ValidationFailed.single(
            "endDate", "before_notice", "the end date is before the notice date"
        )


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
        raise ValidationFailed.single(
            "exitCharge", "negative", "the exit charge must not be negative"
        )
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
