"""The yearly contribution (contributie): rate × inhabitants, pro rata by days, rounded once.

Pure functions over plain values, so the fee run, its preview, the exit-charge cap and the
tests all use the same arithmetic. Every line keeps the figures it used and says whether
the figure of 1 January of the year or the latest published one was used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext

from registry.fees.models import PopulationPolicy, ProRata
from registry.kit.money import Cents, to_cents
from registry.members.population import Figure, Inhabitants, PopulationMissing, inhabitants_on


@dataclass(frozen=True, slots=True)
class RateTerms:
    """The contribution rate of a year with the policies the ALV decided with it."""

    year: int
    rate: Decimal
    decision_reference: str
    pro_rata: ProRata
    population_policy: PopulationPolicy


@dataclass(frozen=True, slots=True)
class MembershipPeriod:
    """A member's admitted membership and the municipalities it stands for."""

    member_code: str
    membership_id: int
    start_date: date
    end_date: date | None
    cbs_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Population:
    """The inhabitants used for a year, and which policy produced them."""

    inhabitants: Inhabitants
    basis: PopulationPolicy

    @property
    def reference_date(self) -> date:
        """The figures' date; the earliest one if municipalities differ."""
        return min(f.reference_date for f in self.inhabitants.figures)


@dataclass(frozen=True, slots=True)
class Contribution:
    """One membership's contribution for a year, with every input it came from."""

    member_code: str
    membership_id: int
    population: Population
    billable_from: date
    billable_to: date
    days_billable: int
    days_in_year: int
    amount: Cents


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def billable_period(year: int, start: date, end: date | None) -> tuple[date, date] | None:
    """The days of `year` on which the membership runs (both ends inclusive), if any."""
    first = max(start, date(year, 1, 1))
    last = min(end or date(year, 12, 31), date(year, 12, 31))
    return (first, last) if first <= last else None


def population_for(
    policy: PopulationPolicy, year: int, cbs_codes: Sequence[str], figures: Iterable[Figure]
) -> Population:
    """Inhabitants on 1 January of `year`; under the latest-published policy an older figure
    stands in when that one is not published yet, and the basis says so.
    """
    january_first = date(year, 1, 1)
    found = inhabitants_on(cbs_codes, figures, january_first)
    if all(f.reference_date == january_first for f in found.figures):
        return Population(found, PopulationPolicy.JANUARY_FIRST)
    if policy is PopulationPolicy.LATEST_PUBLISHED:
        return Population(found, PopulationPolicy.LATEST_PUBLISHED)
    missing = [f.cbs_code for f in found.figures if f.reference_date != january_first]
    raise PopulationMissing(january_first, missing)


def yearly_amount(rate: Decimal, inhabitants: int, days: int, days_of_year: int) -> Cents:
    """rate × inhabitants × days / days of the year, rounded half-up to the cent once."""
    with localcontext() as context:
        context.prec = 60  # far beyond any real amount: the division is exact to the cent
        return to_cents(rate * inhabitants * days / days_of_year)


def contribution(
    terms: RateTerms, period: MembershipPeriod, figures: Iterable[Figure]
) -> Contribution | None:
    """The contribution of one membership for the rate's year; None if it does not run then."""
    billable = billable_period(terms.year, period.start_date, period.end_date)
    if billable is None:
        return None
    population = population_for(terms.population_policy, terms.year, period.cbs_codes, figures)
    total_days = days_in_year(terms.year)
    days = (billable[1] - billable[0] + timedelta(days=1)).days
    charged_days = days if terms.pro_rata is ProRata.BY_DAYS else total_days
    return Contribution(
        member_code=period.member_code,
        membership_id=period.membership_id,
        population=population,
        billable_from=billable[0],
        billable_to=billable[1],
        days_billable=charged_days,
        days_in_year=total_days,
        amount=yearly_amount(terms.rate, population.inhabitants.total, charged_days, total_days),
    )


def contributions(
    terms: RateTerms, periods: Iterable[MembershipPeriod], figures: Sequence[Figure]
) -> list[Contribution]:
    """Every membership's contribution for the year, ordered by member code."""
    lines = (contribution(terms, period, figures) for period in periods)
    return sorted(
        (line for line in lines if line is not None),
        key=lambda line: (line.member_code, line.membership_id),
    )


def inputs_digest(terms: RateTerms, lines: Sequence[Contribution]) -> str:
    """SHA-256 over everything a run is computed from, in canonical JSON.

    Equal digests mean equal inputs, so re-running with unchanged inputs stores nothing.
    """
    document = {
        "year": terms.year,
        "rate": str(terms.rate),
        "decision": terms.decision_reference,
        "pro_rata": terms.pro_rata.value,
        "population_policy": terms.population_policy.value,
        "memberships": [
            {
                "member": line.member_code,
                "membership": line.membership_id,
                "from": line.billable_from.isoformat(),
                "to": line.billable_to.isoformat(),
                "figures": figures_document(line.population.inhabitants.figures),
            }
            for line in lines
        ],
    }
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def figures_document(figures: Iterable[Figure]) -> list[dict[str, str | int]]:
    """The figures a line used, as stored with the line and hashed with the run."""
    return [
        {
            "cbs_code": f.cbs_code,
            "municipality": f.municipality,
            "reference_date": f.reference_date.isoformat(),
            "count": f.count,
            "source": f.source,
        }
        for f in sorted(figures, key=lambda f: f.cbs_code)
    ]


@dataclass(frozen=True, slots=True)
class Difference:
    """How one membership's contribution changed between two runs of the same year."""

    member_code: str
    membership_id: int
    previous: Cents | None
    current: Cents | None

    @property
    def amount(self) -> Cents:
        return Cents((self.current or 0) - (self.previous or 0))


def differences(
    previous: Iterable[tuple[str, int, Cents]], current: Iterable[tuple[str, int, Cents]]
) -> list[Difference]:
    """Per membership (member code, membership id, amount): the previous and the new amount."""
    before = {(code, membership): amount for code, membership, amount in previous}
    after = {(code, membership): amount for code, membership, amount in current}
    return [
        Difference(code, membership, before.get((code, membership)), after.get((code, membership)))
        for code, membership in sorted(before.keys() | after.keys())
    ]
