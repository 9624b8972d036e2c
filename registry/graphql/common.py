"""GraphQL types that several domains' types share: a recorded decision and a population
figure. They sit apart from the members' types so that a domain showing a decision or the
figures a contribution came from does not import the members' types (no import circle)."""

from __future__ import annotations

from datetime import date

import strawberry

from registry.graphql.context import Info
from registry.members import models
from registry.members.models import DecisionBody, FigureStatus
from registry.members.population import Figure

strawberry.enum(FigureStatus, name="FigureStatus")
strawberry.enum(DecisionBody, name="DecisionBody")


@strawberry.type(description="Inhabitants of a municipality on a reference date (1 January).")
class PopulationFigure:
    cbs_code: str
    municipality: str
    reference_date: date
    count: int
    source: str
    status: FigureStatus

    @classmethod
    def of(cls, f: Figure) -> PopulationFigure:
        return cls(
            cbs_code=f.cbs_code,
            municipality=f.municipality,
            reference_date=f.reference_date,
            count=f.count,
            source=f.source,
            status=FigureStatus(f.status),
        )


@strawberry.type(description="A decision of the ALV, the RvC or the directie (besluit).")
class Decision:
    reference: str
    body: DecisionBody
    decided_on: date
    subject: str
    text: str | None
    document_url: str | None

    @classmethod
    def of(cls, d: models.Decision) -> Decision:
        return cls(
            reference=d.reference,
            body=DecisionBody(d.body),
            decided_on=d.decided_on,
            subject=d.subject,
            text=d.text,
            document_url=d.document_url,
        )


async def decision_of(info: Info, decision_id: int | None) -> Decision | None:
    if decision_id is None:
        return None
    found = await info.context.loaders.decision_by_id.load(decision_id)
    return Decision.of(found) if found else None
