"""Per-request GraphQL context: one serialised read session, DataLoaders, units of work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar.connection import ASGIConnection
from litestar.datastructures import Headers, State
from litestar.exceptions import NotAuthorizedException
from litestar.types import Scope
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.litestar import BaseContext
from strawberry.types import Info as StrawberryInfo

from registry.auth.roles import Actor
from registry.billing.gateway import PaymentGateway
from registry.db import transaction
from registry.graphql.loaders import Loaders
from registry.http.language import accepted_language
from registry.http.security import InvalidToken, resolve_actor
from registry.kit.errors import Common, Conflict
from registry.kit.language import Language
from registry.reports.jobs import ReportJobs
from registry.settings import Settings

logger = logging.getLogger(__name__)


class Context(BaseContext, kw_only=True):
    """Sibling fields resolve concurrently, so reads go through one lock-guarded session."""

    session_factory: async_sessionmaker[AsyncSession]
    read_session: AsyncSession
    lock: asyncio.Lock
    loaders: Loaders
    settings: Settings
    actor: Actor
    gateway: PaymentGateway | None
    report_jobs: ReportJobs
    language: Language
    """The language of the messages in payload errors (Accept-Language, else English)."""

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        async with self.lock:
            yield self.read_session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One mutation, one transaction: committed on success, rolled back on any error.

        The rules check uniqueness before writing; a concurrent request can still win the
        race, and the database's refusal then becomes a typed error instead of a crash.
        """
        try:
            async with transaction(self.session_factory) as session:
                yield session
        except (IntegrityError, OperationalError) as error:
            raise Conflict(Common.CONFLICT) from error
        # Later fields of the same operation (mutations run one after another) must see the
        # change, not what the DataLoaders cached before it.
        self.loaders.clear()


Info = StrawberryInfo[Context, None]


async def context_getter(state: State, scope: Scope) -> AsyncIterator[Context]:
    factory: async_sessionmaker[AsyncSession] = state.session_factory
    try:
        # A reader: only a token's last use is recorded, which needs no write lock up front.
        async with factory() as session, session.begin():
            actor = await resolve_actor(ASGIConnection(scope), session)
    except InvalidToken as error:
        raise NotAuthorizedException(error.message) from None
    session = factory()
    lock = asyncio.Lock()
    try:
        yield Context(
            session_factory=factory,
            read_session=session,
            lock=lock,
            loaders=Loaders(session, lock, actor),
            settings=state.settings,
            actor=actor,
            gateway=state.payment_gateway,
            report_jobs=state.report_jobs,
            language=accepted_language(Headers.from_scope(scope).get("accept-language"), "en"),
        )
    finally:
        await _close(session)


async def _close(session: AsyncSession) -> None:
    """Close the request's read session; a connection that a cancelled field left broken
    (its query was interrupted) cannot be rolled back and is discarded instead."""
    try:
        await session.close()
    except SQLAlchemyError:
        logger.warning("discarding a database connection left broken by a cancelled field")
        await session.invalidate()
