"""GraphQL types of the members domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from registry.auth import models as auth_models
from registry.auth.policy import Permission
from registry.graphql.context import Info
from registry.graphql.permissions import policy
from registry.members import models
from registry.members.models import FigureStatus, MemberType
from registry.members.population import Figure, inhabitants_on
from registry.members.service import as_figures

strawberry.enum(MemberType, name="MemberType")
strawberry.enum(FigureStatus, name="FigureStatus")


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


@strawberry.type(
    description="Inhabitants a member stands for on a date, itemised per municipality."
)
class Inhabitants:
    on: date
    total: int
    figures: list[PopulationFigure]


@strawberry.type(description="A Dutch municipality (gemeente), identified by its CBS code.")
class Municipality:
    model: strawberry.Private[models.Municipality]
    cbs_code: str
    name: str
    valid_from: date | None
    valid_to: date | None

    @classmethod
    def of(cls, m: models.Municipality) -> Municipality:
        return cls(
            model=m, cbs_code=m.cbs_code, name=m.name, valid_from=m.valid_from, valid_to=m.valid_to
        )

    @strawberry.field(description="All recorded population figures, oldest first.")
    async def population_figures(self, info: Info) -> list[PopulationFigure]:
        figures = await info.context.loaders.figures_of_municipality.load(self.model.id)
        return [PopulationFigure.of(f) for f in as_figures([self.model], figures)]


@strawberry.type(description="A government body that is a member (lid) of the cooperative.")
class Member:
    id: strawberry.Private[int]
    code: str
    name: str
    type: MemberType
    oin: str | None
    kvk: str | None

    @classmethod
    def of(cls, m: models.Member) -> Member:
        return cls(id=m.id, code=m.code, name=m.name, type=MemberType(m.type), oin=m.oin, kvk=m.kvk)

    @strawberry.field(
        extensions=policy(Permission.TOKENS_MANAGE, member_from_source=True),
        description="The member's API tokens (member admins).",
    )
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        return [ApiToken.of(t) for t in await info.context.loaders.tokens_of_member.load(self.id)]

    @strawberry.field(description="The municipalities this member stands for.")
    async def municipalities(self, info: Info) -> list[Municipality]:
        found = await info.context.loaders.municipalities_of_member.load(self.id)
        return [Municipality.of(m) for m in found]

    @strawberry.field(
        description="Inhabitants on a date: per municipality the latest figure on or before it."
    )
    async def inhabitants(
        self, info: Info, on: Annotated[date, strawberry.argument(description="Reference date")]
    ) -> Inhabitants:
        loaders = info.context.loaders
        municipalities = await loaders.municipalities_of_member.load(self.id)
        figure_lists = await loaders.figures_of_municipality.load_many(
            [m.id for m in municipalities]
        )
        figures = as_figures(municipalities, [f for fs in figure_lists for f in fs])
        result = inhabitants_on([m.cbs_code for m in municipalities], figures, on)
        return Inhabitants(
            on=result.on,
            total=result.total,
            figures=[PopulationFigure.of(f) for f in result.figures],
        )


@strawberry.type(description="An API token of a machine client; the secret is never shown again.")
class ApiToken:
    id: strawberry.ID
    name: str
    prefix: str
    permissions: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: auth_models.ApiToken) -> ApiToken:
        return cls(
            id=strawberry.ID(str(token.id)),
            name=token.name,
            prefix=token.prefix,
            permissions=sorted(token.permission_set),
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )
