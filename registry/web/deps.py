"""Dependencies shared by the page handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, TypeAlias

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.db import begin_writing
from registry.http.security import InvalidToken, resolve_actor
from registry.kit.language import Language
from registry.members import repository as members
from registry.members.models import Member
from registry.settings import Settings
from registry.web.i18n import request_language

AnyRequest: TypeAlias = Request[Any, Any, Any]
"""A page request, whatever its user, auth and state."""
DbSession: TypeAlias = NamedDependency[AsyncSession]
CurrentActor: TypeAlias = NamedDependency[Actor]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def settings_of(request: AnyRequest) -> Settings:
    """The application's settings, typed (the app keeps them in its state)."""
    settings: Settings = request.app.state.settings
    return settings


async def provide_db_session(state: State, request: AnyRequest) -> AsyncIterator[AsyncSession]:
    """One session per page request: committed when the handler succeeds, rolled back if not.

    A form post writes, so its transaction begins as a writer (see `begin_writing`).
    """
    async with state.session_factory() as session:
        if request.method not in SAFE_METHODS:
            await begin_writing(session)
        try:
            yield session
        except Exception:
            await session.rollback()
            raise
        else:
            await session.commit()


@dataclass(frozen=True, slots=True)
class Navigation:
    """The registry-wide pages the page header links to for the person viewing the page."""

    members: bool
    fees: bool
    invoices: bool
    reports: bool
    admissions: bool = False
    roles: bool = False
    audit: bool = False
    pools_manage: bool = False
    """Create pools and manage their entries, participants and key (links on the pool pages)."""
    outbox: bool = False
    governance: bool = False
    """The bodies, meetings and votes (directie, auditor; a member admin reads the ALV's)."""
    bank: bool = False


def navigation_for(actor: Actor) -> Navigation:
    """The header links `actor` may follow. Set by `provide_actor` and by the page guard (for
    a logged-in person on a page whose handler takes no actor), so every page of a logged-in
    person shows the same menu."""
    return Navigation(
        members=allows(actor, Permission.MEMBER_READ_PRIVATE),
        fees=allows(actor, Permission.FINANCE_READ),
        invoices=allows(actor, Permission.FINANCE_READ),
        reports=any(
            allows(actor, Permission.REPORTS_EXPORT, member_id)
            for member_id in (None, *actor.member_ids)
        ),
        admissions=allows(actor, Permission.MEMBERS_MANAGE),
        roles=allows(actor, Permission.ROLES_MANAGE),
        audit=allows(actor, Permission.AUDIT_READ),
        pools_manage=allows(actor, Permission.COSTS_MANAGE),
        outbox=allows(actor, Permission.BILLING_MANAGE),
        governance=allows(actor, Permission.GOVERNANCE_READ)
        or any(allows(actor, Permission.ALV_READ, m) for m in actor.member_ids),
        bank=allows(actor, Permission.FINANCE_READ),
    )


async def provide_actor(request: AnyRequest, db_session: DbSession) -> Actor:
    """The person or machine client making this request (anonymous when nobody logged in).

    Also puts the header links this actor may follow on `request.state.navigation`.
    """
    try:
        actor = await resolve_actor(request, db_session)
    except InvalidToken as error:
        raise NotAuthorizedException(error.message) from None
    request.state.navigation = navigation_for(actor)
    return actor


@dataclass(frozen=True, slots=True)
class Visit:
    """One page request: the request, its database session and the person making it.

    The page handlers and the steps they share take this one value instead of the three,
    so that a handler's signature names only what its page adds (path and query values).
    """

    request: AnyRequest
    db: AsyncSession
    actor: Actor

    @property
    def settings(self) -> Settings:
        """The application's settings (see `settings_of`)."""
        return settings_of(self.request)

    @property
    def language(self) -> Language:
        """The language the page is shown in (see `request_language`)."""
        return request_language(self.request)


CurrentVisit: TypeAlias = NamedDependency[Visit]
"""A page handler's `visit` parameter (provided by `provide_visit`)."""


async def provide_visit(request: AnyRequest, db_session: DbSession, actor: CurrentActor) -> Visit:
    """The page request as one value; its session and actor come from `provide_db_session`
    and `provide_actor`, so the session is committed or rolled back as for any page."""
    return Visit(request, db_session, actor)


async def member_or_404(db_session: AsyncSession, code: str) -> Member:
    """The member a page's path names; the page is not there (404) for an unknown code."""
    member = await members.member_by_code(db_session, code)
    if member is None:
        raise NotFoundException(f"no member '{code}'")
    return member
