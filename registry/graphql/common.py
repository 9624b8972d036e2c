"""GraphQL types that several domains' types share: a recorded decision and a population
figure. They sit apart from the members' types so that a domain showing a decision or the
figures a contribution came from does not import the members' types (no import circle)."""

from __future__ import annotations

from datetime import date

import strawberry

from registry.graphql.attributes import from_attributes
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
        return from_attributes(cls, f, status=FigureStatus(f.status))


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
        return from_attributes(cls, d, body=DecisionBody(d.body))


async def decision_of(info: Info, decision_id: int | None) -> Decision | None:
    if decision_id is None:
        return None
    found = await info.context.loaders.decision_by_id.load(decision_id)
    return Decision.of(found) if found else None
