"""The GraphQL endpoint: Strawberry's Litestar controller for the schema, at /graphql."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException as GraphQLHTTPException
from litestar import Controller, Request
from litestar.response import Template
from strawberry.litestar import make_graphql_controller

from registry.graphql.context import context_getter
from registry.graphql.schema import schema
from registry.http import GRAPHQL_PATH
from registry.http.headers import new_style_nonce
from registry.settings import Settings


def graphql_controller(settings: Settings) -> type[Controller]:
    """GraphiQL and queries over GET only in development mode."""
    base = make_graphql_controller(
        schema,
        path=GRAPHQL_PATH,
        # Development mode only; the page is ours (`render_graphql_ide`), not Strawberry's.
        graphql_ide="graphiql" if settings.dev_mode else None,
        allow_queries_via_get=settings.dev_mode,
        context_getter=context_getter,
    )

    class GraphQLController(base):  # type: ignore[valid-type,misc]
        def decode_json(self, data: str | bytes) -> object:
            """A body of `null`, `42` or `"x"` is a bad request, not a server error."""
            decoded = super().decode_json(data)
            if not isinstance(decoded, dict | list):
                raise GraphQLHTTPException(
                    400, "the request body must be a JSON object with a `query`"
                )
            return decoded

        async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Template:
            """GraphiQL from the registry's own static files, with no inline script (Strawberry's
            page loads it from a CDN). Its dialogs add a `<style>` element: the page's policy
            allows one with this response's nonce, which the page hands to GraphiQL."""
            nonce = new_style_nonce(request.scope.setdefault("state", {}))
            return Template(
                "graphql/graphiql.html",
                context={"endpoint": GRAPHQL_PATH, "style_nonce": nonce},
            )

    return GraphQLController
