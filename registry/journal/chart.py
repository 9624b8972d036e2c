"""The chart of accounts of the journal export: which ledger account each kind of line,
payment and VAT rate is booked on. Read from TOML text and validated; no I/O here."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from registry.billing.models import LineCategory
from registry.journal.errors import JournalRefusal
from registry.kit.errors import ErrorCollector, ValidationFailed

POSTS = ("receivables", "member_credit", "bank", "stripe_clearing", "opening_balances")
"""The balance-sheet accounts every chart must name (besides revenue and VAT)."""


@dataclass(frozen=True, slots=True)
class LedgerAccount:
    number: str
    name: str
    name_en: str
    type: str
    """B (balance sheet) or P (profit and loss), as XAF writes it."""
    rgs: str | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    accounts: Mapping[str, LedgerAccount]
    receivables: str
    member_credit: str
    bank: str
    stripe_clearing: str
    opening_balances: str
    """Tussenrekening beginbalans: the counterpart of the imported opening balances."""
    revenue: Mapping[LineCategory, str]
    vat: Mapping[Decimal, str]
    """Output VAT per rate (percent); a rate of 0 needs no account."""

    def vat_account(self, rate: Decimal) -> str | None:
        return self.vat.get(rate.normalize())


def default_chart_text() -> str:
    return resources.files("registry.journal").joinpath("data/chart.toml").read_text("utf-8")


def parse_chart(text: str) -> Chart:
    """The chart in `text`, or ValidationFailed naming every post without a valid account."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed.single(
            "chart", JournalRefusal.CHART_UNREADABLE, detail=str(error)
        ) from None
    errors = ErrorCollector()
    accounts = _accounts(data.get("accounts"), errors)
    posts = _table(data, "posts")

    def account_of(value: Any, post: str) -> str:
        if not isinstance(value, str) or not value:
            errors.add("chart", JournalRefusal.CHART_NO_ACCOUNT, post=post)
            return ""
        if value not in accounts:
            errors.add("chart", JournalRefusal.CHART_UNKNOWN_ACCOUNT, account=value)
        return value

    named = {post: account_of(posts.get(post), post) for post in POSTS}
    revenue_posts = _table(posts, "revenue")
    revenue = {
        category: account_of(revenue_posts.get(category.value), f"revenue.{category.value}")
        for category in LineCategory
    }
    vat_posts = _table(posts, "vat")
    vat: dict[Decimal, str] = {}
    for rate_text, number in vat_posts.items():
        try:
            rate = Decimal(rate_text)
        except InvalidOperation:
            errors.add("chart", JournalRefusal.CHART_NO_ACCOUNT, post=f"vat.{rate_text}")
            continue
        vat[rate.normalize()] = account_of(number, f"vat.{rate_text}")
    errors.raise_if_any()
    return Chart(accounts=accounts, revenue=revenue, vat=vat, **named)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _accounts(raw: Any, errors: ErrorCollector) -> dict[str, LedgerAccount]:
    if not isinstance(raw, dict) or not raw:
        errors.add("chart", JournalRefusal.CHART_NO_ACCOUNT, post="accounts")
        return {}
    accounts = {}
    for number, fields in raw.items():
        if (
            not isinstance(fields, dict)
            or len(number) > 35
            or not isinstance(fields.get("name"), str)
            or not fields["name"].strip()
            or fields.get("type") not in ("B", "P")
        ):
            errors.add("chart", JournalRefusal.CHART_BAD_ACCOUNT, account=number)
            continue
        name = fields["name"].strip()
        name_en = fields.get("name_en")
        rgs = fields.get("rgs")
        accounts[number] = LedgerAccount(
            number=number,
            name=name,
            name_en=name_en.strip() if isinstance(name_en, str) and name_en.strip() else name,
            type=fields["type"],
            rgs=rgs if isinstance(rgs, str) else None,
        )
    return accounts
