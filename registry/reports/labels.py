"""What the contribution report says to people, in Dutch and English: the values of the
enums its rows carry, the reconciliations, and every finding as a full sentence in euros.

The report data keeps the internal values (`population_basis="latest_published"`, finding
code `not_yet_invoiced`) for programs (JSON, the API); CSV, XLSX, PDF and the page show
these texts instead.
"""

from __future__ import annotations

import enum
from enum import Enum

from babel.numbers import format_currency

# The domains' labels, so that every value the report carries has one.
from registry.billing import labels as _billing  # noqa: F401
from registry.billing.models import LineCategory
from registry.costs import labels as _costs  # noqa: F401
from registry.costs.sharing import AllocationKey
from registry.fees import labels as _fees  # noqa: F401
from registry.fees.models import PopulationPolicy
from registry.kit.labels import Label, label, labels
from registry.kit.language import FORMAT_LOCALES, Language
from registry.kit.money import CURRENCY, to_euro
from registry.reports.model import Check, Finding
from registry.usage import labels as _usage  # noqa: F401
from registry.usage.models import Metric


class FindingCode(enum.StrEnum):
    """What a finding is about; the same codes as the reconciliations (`model.checks`)."""

    NOT_YET_INVOICED = "not_yet_invoiced"
    OVER_INVOICED = "over_invoiced"
    POOL_SHARES = "pool_shares"
    SETTLEMENTS_ZERO_SUM = "settlements_zero_sum"
    PAYMENTS = "payments"
    BILLED = "billed"


FINDING_CODE = labels(
    FindingCode,
    {
        FindingCode.NOT_YET_INVOICED: Label("Nog niet gefactureerd", "Not yet invoiced"),
        FindingCode.OVER_INVOICED: Label("Te veel gefactureerd", "Invoiced too much"),
        FindingCode.POOL_SHARES: Label(
            "Aandelen leden = totalen kostenpotten", "Members' shares = cost pool totals"
        ),
        FindingCode.SETTLEMENTS_ZERO_SUM: Label(
            "Verrekeningen tellen op tot nul", "Settlements add up to zero"
        ),
        FindingCode.PAYMENTS: Label(
            "Vooruitbetaald + betaald + gecrediteerd + openstaand = gefactureerd",
            "Prepaid + paid + credited + outstanding = invoiced",
        ),
        FindingCode.BILLED: Label(
            "Gefactureerd op regels = te factureren", "Billed on invoice lines = billable"
        ),
    },
)
HOLDS = {True: Label("klopt", "holds"), False: Label("klopt niet", "does not hold")}

_VALUE_ENUMS: dict[str, type[Enum]] = {
    "population_basis": PopulationPolicy,
    "key": AllocationKey,
    "metric": Metric,
    "charge": LineCategory,
}


def value_label(field: str, value: str, language: Language) -> str:
    """The label of an enum value the report data carries as text (e.g. a pool's key)."""
    return label(_VALUE_ENUMS[field](value), language)


def euro(cents: int, language: Language) -> str:
    """€ 92.167,28 in Dutch, €92,167.28 in English."""
    return format_currency(to_euro(cents), CURRENCY, locale=FORMAT_LOCALES[language])


def check_label(check: Check, language: Language) -> str:
    return label(FindingCode(check.code), language)


def holds(check: Check, language: Language) -> str:
    return HOLDS[check.holds].text(language)


def finding_title(finding: Finding, language: Language) -> str:
    return label(FindingCode(finding.code), language)


def finding_sentence(finding: Finding, language: Language) -> str:
    """The finding as a sentence a person can act on, with its amounts in euros."""
    left, right = euro(finding.left_cents, language), euro(finding.right_cents, language)
    difference = euro(abs(finding.left_cents - finding.right_cents), language)
    who = finding.member_name or finding.member_code or ""
    code = FindingCode(finding.code)
    nl: str
    en: str
    if code is FindingCode.NOT_YET_INVOICED:
        nl = (
            f"{who}: over het jaar is {right} te factureren en staat {left} op "
            f"factuurregels; {difference} is nog niet gefactureerd."
        )
        en = (
            f"{who}: {right} is billable for the year and {left} is on invoice lines; "
            f"{difference} has not been invoiced yet."
        )
    elif code is FindingCode.OVER_INVOICED:
        nl = (
            f"{who}: over het jaar is {right} te factureren maar staat {left} op "
            f"factuurregels; er is {difference} te veel gefactureerd."
        )
        en = (
            f"{who}: {right} is billable for the year but {left} is on invoice lines; "
            f"{difference} has been invoiced too much."
        )
    elif code is FindingCode.SETTLEMENTS_ZERO_SUM:
        nl = f"De verrekeningen van late deelnemers tellen op tot {left} in plaats van tot nul."
        en = f"The settlements of late joiners add up to {left} instead of zero."
    elif code is FindingCode.POOL_SHARES:
        nl = (
            f"De aandelen van de leden ({left}) zijn niet gelijk aan de totalen van de "
            f"kostenpotten ({right}); het verschil is {difference}."
        )
        en = (
            f"The members' shares ({left}) do not equal the cost pools' totals ({right}); "
            f"the difference is {difference}."
        )
    else:
        title = Label(FINDING_CODE[code].nl, FINDING_CODE[code].en)
        nl = (
            f"Controle „{title.nl.lower()}” klopt niet: {left} tegenover {right}; "
            f"het verschil is {difference}."
        )
        en = (
            f'Check "{title.en.lower()}" does not hold: {left} against {right}; '
            f"the difference is {difference}."
        )
    return Label(nl, en).text(language)
