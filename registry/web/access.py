"""Who may open which page. Every page declares its audience; a page without one is refused.

The declaration lives on the route (`opt=audience(...)`), one guard enforces it for all pages,
and `check_pages` makes the application refuse to start when a page forgot to declare one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Litestar, Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect

from registry.auth.policy import Permission, allows
from registry.http import GRAPHQL_PATH
from registry.http.security import InvalidToken, resolve_actor
from registry.members import repository as members
from registry.web.deps import navigation_for

AUDIENCE = "audience"
NEXT_PARAM = "volgende"
# The API checks every field itself (see registry.graphql.permissions); files are public.
EXEMPT_PREFIXES = (GRAPHQL_PATH, "/static")


@dataclass(frozen=True, slots=True)
class PageAudience:
    login: bool = False
    """Only for people who logged in."""
    any_of: tuple[Permission, ...] = ()
    """At least one of these permissions (for the member in `member_param`, if given)."""
    member_param: str | None = None


def audience(
    *permissions: Permission, login: bool = False, member_param: str | None = None
) -> dict[str, Any]:
    """`opt` for a route handler: public when called without arguments."""
    return {AUDIENCE: PageAudience(login or bool(permissions), permissions, member_param)}


class LoginRequired(NotAuthorizedException):
    pass


async def page_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    if connection.url.path.startswith(EXEMPT_PREFIXES):
        return
    declared = handler.opt.get(AUDIENCE)
    if not isinstance(declared, PageAudience):
        raise PermissionDeniedException("this page declares no audience")
    if not declared.login:
        await _menu_for_public_page(connection)
        return
    async with connection.app.state.session_factory() as session:
        try:
            actor = await resolve_actor(connection, session)
        except InvalidToken as error:
            raise NotAuthorizedException(error.message) from None
        if not actor.authenticated:
            raise LoginRequired("log in to see this page")
        connection.state.navigation = navigation_for(actor)
        member_id = None
        if declared.member_param is not None:
            member = await members.member_by_code(
                session, str(connection.path_params[declared.member_param])
            )
            if member is None:
                raise NotFoundException("no such member")
            member_id = member.id
        await session.commit()  # keeps a token's last use
    if declared.any_of and not any(allows(actor, p, member_id) for p in declared.any_of):
        raise PermissionDeniedException("no access to this page")


async def _menu_for_public_page(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Give a logged-in person on a public page the header links of every other page.

    A public page's handler may take no actor, so `provide_actor` would not set them; an
    anonymous visitor's request does not touch the database here.
    """
    account = connection.scope.get("session")
    if not (isinstance(account, Mapping) and account.get("session_id")):
        return
    async with connection.app.state.session_factory() as session:
        try:
            actor = await resolve_actor(connection, session)
        except InvalidToken:
            return  # the page shows as to anyone; the handler decides what else to do
    connection.state.navigation = navigation_for(actor)


def login_redirect(request: Request[Any, Any, Any], _exc: LoginRequired) -> Redirect:
    """Anonymous visitors go to the login page, and come back here afterwards."""
    return Redirect(f"/inloggen?{urlencode({NEXT_PARAM: request.url.path})}", status_code=303)


def check_pages(app: Litestar) -> None:
    """Refuse to start when a page does not say who may open it (default deny, made visible)."""
    missing = [
        f"{route.path} ({handler.handler_name})"
        for route in app.routes
        if not route.path.startswith(EXEMPT_PREFIXES)
        for handler in getattr(route, "route_handlers", ())
        if getattr(handler, "http_methods", None) != {"OPTIONS"}  # automatic; denied by the guard
        and not isinstance(handler.opt.get(AUDIENCE), PageAudience)
    ]
    if missing:
        raise RuntimeError(f"pages without a declared audience: {', '.join(missing)}")
