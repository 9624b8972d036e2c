"""The schema, composed from the domains, with limits on query depth, aliases and size."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from registry.graphql.catalogue.mutations import CatalogueMutation
from registry.graphql.catalogue.queries import CatalogueQuery
from registry.graphql.members.queries import MembersQuery

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000


@strawberry.type
class Query(CatalogueQuery, MembersQuery):
    pass


@strawberry.type
class Mutation(CatalogueMutation):
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


def schema_sdl() -> str:
    return schema.as_str() + "\n"
