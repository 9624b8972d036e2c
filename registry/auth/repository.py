"""Queries for users, role assignments and API tokens."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.models import ApiToken, RoleAssignment, User
from registry.auth.roles import Role
from registry.kit.rows import children_of


async def user_by_identity(session: AsyncSession, issuer: str, subject: str) -> User | None:
    return await session.scalar(select(User).where(User.issuer == issuer, User.subject == subject))


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def users_with_email(session: AsyncSession, email: str, limit: int = 2) -> list[User]:
    """At most `limit` users whose e-mail address is `email` (case-insensitive)."""
    rows = await session.scalars(
        select(User)
        .where(func.lower(User.email) == email.strip().lower())
        .order_by(User.id)
        .limit(limit)
    )
    return list(rows)


async def assignments_of(session: AsyncSession, user_id: int) -> list[RoleAssignment]:
    rows = await session.scalars(
        select(RoleAssignment)
        .where(RoleAssignment.user_id == user_id)
        .order_by(RoleAssignment.role, RoleAssignment.member_id)
    )
    return list(rows)


async def assignment(
    session: AsyncSession, user_id: int, role: Role, member_id: int | None
) -> RoleAssignment | None:
    query = select(RoleAssignment).where(
        RoleAssignment.user_id == user_id, RoleAssignment.role == role
    )
    query = query.where(
        RoleAssignment.member_id.is_(None)
        if member_id is None
        else RoleAssignment.member_id == member_id
    )
    return await session.scalar(query)


async def assignment_by_id(session: AsyncSession, assignment_id: int) -> RoleAssignment | None:
    return await session.get(RoleAssignment, assignment_id)


async def users_with_assignments(
    session: AsyncSession, member_id: int | None = None
) -> list[tuple[User, list[RoleAssignment]]]:
    """Users and their roles; with `member_id`, only those holding a role for that member."""
    query = select(RoleAssignment).order_by(RoleAssignment.user_id, RoleAssignment.role)
    if member_id is not None:
        query = query.where(RoleAssignment.member_id == member_id)
    assignments = list(await session.scalars(query))
    user_ids = sorted({a.user_id for a in assignments})
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(user_ids)))}
    grouped: dict[int, list[RoleAssignment]] = {i: [] for i in user_ids}
    for a in assignments:
        grouped[a.user_id].append(a)
    return [(users[i], grouped[i]) for i in sorted(user_ids, key=lambda i: users[i].name)]


async def token_by_digest(session: AsyncSession, token_hash: str) -> ApiToken | None:
    return await session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


async def token_by_id(session: AsyncSession, token_id: int) -> ApiToken | None:
    return await session.get(ApiToken, token_id)


async def tokens_of_members(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[ApiToken]]:
    return await children_of(
        session, ApiToken.member_id, member_ids, ApiToken.created_at.desc(), ApiToken.id.desc()
    )
