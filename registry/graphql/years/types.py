"""GraphQL types the other domains' payloads share: the warning of a change to an invoiced year."""

from __future__ import annotations

import strawberry

from registry.graphql.context import Info
from registry.graphql.errors import ErrorCode
from registry.graphql.money import Money
from registry.kit.errors import Phrase
from registry.years import warnings


@strawberry.type(
    description="A change to a year that was already invoiced: what the next runs bill or credit."
)
class ChangeWarning:
    field: str
    code: ErrorCode  # type: ignore[valid-type]
    year: int
    amount: Money = strawberry.field(description="Billed more (positive) or credited (negative).")
    already_billed: Money
    phrase: strawberry.Private[Phrase]

    @strawberry.field
    def message(self, info: Info) -> str:
        return self.phrase.text(info.context.language)

    @classmethod
    def of(cls, w: warnings.ChangeWarning) -> ChangeWarning:
        return cls(
            field=w.field,
            code=ErrorCode[w.phrase.code],
            year=w.year,
            amount=Money.of_cents(w.amount_cents),
            already_billed=Money.of_cents(w.billed_cents),
            phrase=w.phrase,
        )
