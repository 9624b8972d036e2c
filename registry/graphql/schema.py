"""The schema, composed from the domains, with limits on query depth, aliases and size."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from registry.graphql.audit.queries import AuditQuery
from registry.graphql.auth.mutations import AuthMutation
from registry.graphql.auth.queries import AuthQuery
from registry.graphql.billing.mutations import BillingMutation
from registry.graphql.billing.queries import BillingQuery
from registry.graphql.catalogue.mutations import CatalogueMutation
from registry.graphql.catalogue.queries import CatalogueQuery
from registry.graphql.costs.mutations import CostsMutation
from registry.graphql.costs.queries import CostsQuery
from registry.graphql.fees.mutations import FeesMutation
from registry.graphql.fees.queries import FeesQuery
from registry.graphql.members.mutations import MembersMutation
from registry.graphql.members.queries import MembersQuery
from registry.graphql.permissions import audience_of
from registry.graphql.reports.mutations import ReportsMutation
from registry.graphql.reports.queries import ReportsQuery
from registry.graphql.usage.mutations import UsageMutation
from registry.graphql.usage.queries import UsageQuery

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000


@strawberry.type
class Query(
    CatalogueQuery,
    MembersQuery,
    UsageQuery,
    FeesQuery,
    CostsQuery,
    BillingQuery,
    ReportsQuery,
    AuthQuery,
    AuditQuery,
):
    pass


@strawberry.type
class Mutation(
    CatalogueMutation,
    MembersMutation,
    UsageMutation,
    FeesMutation,
    CostsMutation,
    BillingMutation,
    ReportsMutation,
    AuthMutation,
):
    pass


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ],
)


class MissingPolicy(TypeError):
    """A root field without a declared audience: refused, so nothing is open by accident."""


def root_fields() -> dict[str, StrawberryField]:
    """Every query and mutation field by its API name, e.g. `Query.auditEvents`."""
    fields: dict[str, StrawberryField] = {}
    for root in (schema._schema.query_type, schema._schema.mutation_type):
        assert root is not None
        for name, field in root.fields.items():
            fields[f"{root.name}.{name}"] = field.extensions[
                GraphQLCoreConverter.DEFINITION_BACKREF
            ]
    return fields


def _check_policies() -> None:
    missing = [
        name for name, field in root_fields().items() if audience_of(field.extensions) is None
    ]
    if missing:
        raise MissingPolicy(f"fields without a declared audience: {', '.join(missing)}")


_check_policies()


def schema_sdl() -> str:
    return schema.as_str() + "\n"
