"""Login sessions of people on the web pages, kept on the server so they can be ended.

The session cookie carries only a random id; the registry stores its SHA-256 with the
person, the login time and the end of the absolute lifetime. A session is valid until it
expires or is revoked: by logging out, by a change of the person's roles, or by an admin
logging the person out everywhere. Services flush, never commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record
from registry.auth import repository
from registry.auth.errors import AuthRefusal
from registry.auth.models import LoginSession
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.kit.errors import NotFound
from registry.kit.types import utcnow

RETENTION = timedelta(days=7)
"""Rows of ended sessions are deleted this long after their expiry (at the next login)."""


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def digest(session_id: str) -> str:
    """256 random bits cannot be guessed, so a fast hash is enough."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def csrf_token(session_id: str) -> str:
    """The form token of a session: derived from its secret id, useless in another session."""
    return hmac.new(session_id.encode(), b"registry csrf token", hashlib.sha256).hexdigest()


async def open_session(
    session: AsyncSession, user_id: int, lifetime: timedelta, *, now: datetime | None = None
) -> str:
    """Store a new session for the person; returns its id (for the cookie, never stored)."""
    now = now or utcnow()
    await session.execute(delete(LoginSession).where(LoginSession.expires_at < now - RETENTION))
    session_id = new_session_id()
    session.add(
        LoginSession(
            token_hash=digest(session_id),
            user_id=user_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()
    return session_id


async def user_of_session(
    session: AsyncSession, session_id: str, *, now: datetime | None = None
) -> int | None:
    """The person of a session that has neither expired nor been revoked, else None."""
    row = await session.scalar(
        select(LoginSession).where(LoginSession.token_hash == digest(session_id))
    )
    if row is None or row.revoked_at is not None or row.expires_at <= (now or utcnow()):
        return None
    return row.user_id


async def close_session(session: AsyncSession, session_id: str) -> None:
    """Logging out: the session stops working, also in a copy of the cookie."""
    await session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == digest(session_id), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def revoke_sessions_of(session: AsyncSession, user_id: int) -> int:
    """End every session of the person that still works; how many there were."""
    now = utcnow()
    result = await session.execute(
        update(LoginSession)
        .where(
            LoginSession.user_id == user_id,
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > now,
        )
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def active_session_count(session: AsyncSession, user_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(LoginSession)
        .where(
            LoginSession.user_id == user_id,
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > utcnow(),
        )
    )
    return int(count or 0)


async def log_out_everywhere(session: AsyncSession, actor: Actor, user_id: int) -> int:
    """An admin ends every session of a person (audited); how many were ended."""
    require(actor, Permission.ROLES_MANAGE, AuthRefusal.LOG_OUT_ADMIN_ONLY)
    user = await repository.user_by_id(session, user_id)
    if user is None:
        raise NotFound(AuthRefusal.NO_PERSON, person=str(user_id))
    revoked = await revoke_sessions_of(session, user.id)
    await record(
        session,
        actor,
        operation="update",
        entity_type="user_sessions",
        entity_id=str(user.id),
        before={"active_sessions": revoked},
        after={"active_sessions": 0},
    )
    return revoked


async def log_out_person_everywhere(
    session: AsyncSession, actor: Actor, *, issuer: str, subject: str
) -> int:
    """`log_out_everywhere` for the person known by issuer + subject."""
    require(actor, Permission.ROLES_MANAGE, AuthRefusal.LOG_OUT_ADMIN_ONLY)
    user = await repository.user_by_identity(session, issuer.strip(), subject.strip())
    if user is None:
        raise NotFound(AuthRefusal.NO_PERSON_WITH_IDENTITY)
    return await log_out_everywhere(session, actor, user.id)
