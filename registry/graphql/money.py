"""Money in the API: an exact decimal amount with its currency, never cents in a 32-bit Int."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from registry.kit.money import CURRENCY, to_euro


@strawberry.type(description="An amount of money: exact decimal euros.")
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of_cents(cls, cents: int) -> Money:
        return cls(amount=to_euro(cents), currency=CURRENCY)

    @classmethod
    def maybe(cls, cents: int | None) -> Money | None:
        return None if cents is None else cls.of_cents(cents)
