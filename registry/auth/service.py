"""Login, roles and API tokens. Services flush, never commit; every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record, record_row
from registry.audit.snapshot import Snapshot, snapshot
from registry.auth import repository, sessions, tokens
from registry.auth.errors import AuthRefusal
from registry.auth.models import ApiToken, RoleAssignment, User
from registry.auth.policy import TOKEN_PERMISSIONS, Permission, allows, require_for
from registry.auth.roles import MEMBER_ROLES, Actor, ActorKind, Grant, Role, TokenScope
from registry.catalogue import repository as catalogue
from registry.kit.errors import ErrorCollector, Forbidden, NotFound, ValidationFailed
from registry.kit.types import utcnow
from registry.members.lookup import member_or_refuse


async def login(session: AsyncSession, *, issuer: str, subject: str, name: str, email: str) -> User:
    """Find or register the person behind a verified ID token (issuer + subject, not e-mail)."""
    user = await repository.user_by_identity(session, issuer, subject)
    now = utcnow()
    if user is None:
        user = User(issuer=issuer, subject=subject, name=name, email=email, last_login_at=now)
        return await _register(session, None, user)
    before = snapshot(user, exclude=frozenset({"last_login_at"}))
    user.name, user.email, user.last_login_at = name or user.name, email or user.email, now
    await session.flush()
    after = snapshot(user, exclude=frozenset({"last_login_at"}))
    if after != before:  # the identity provider changed the person's name or e-mail
        await record(
            session,
            Actor(kind=ActorKind.USER, label=_label(user), user_id=user.id),
            operation="update",
            entity_type="user",
            entity_id=str(user.id),
            before=before,
            after=after,
        )
    return user


async def _register(session: AsyncSession, actor: Actor | None, user: User) -> User:
    """Store a new person and audit it; without `actor` the person registers themselves."""
    session.add(user)
    await session.flush()
    await record(
        session,
        actor or Actor(kind=ActorKind.USER, label=_label(user), user_id=user.id),
        operation="create",
        entity_type="user",
        entity_id=str(user.id),
        before=None,
        after=snapshot(user, exclude=frozenset({"last_login_at"})),
    )
    return user


def _label(user: User) -> str:
    return f"{user.name} <{user.email}>" if user.email else user.name or user.subject


async def actor_for_user(session: AsyncSession, user_id: int) -> Actor | None:
    user = await repository.user_by_id(session, user_id)
    if user is None:
        return None
    grants = frozenset(
        Grant(a.role, a.member_id) for a in await repository.assignments_of(session, user_id)
    )
    return Actor(kind=ActorKind.USER, label=_label(user), user_id=user.id, grants=grants)


async def actor_for_token(session: AsyncSession, secret: str) -> Actor | None:
    """The machine client behind a bearer token; revoked or unknown tokens give nobody."""
    token = await repository.token_by_digest(session, tokens.digest(secret))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    await session.flush()
    return Actor(
        kind=ActorKind.TOKEN,
        label=f"token {token.prefix}… ({token.name})",
        token_id=token.id,
        token_scope=TokenScope(token.member_id, token.application_id, token.permission_set),
    )


def _may_manage_role(actor: Actor, role: Role, member_id: int | None) -> bool:
    if allows(actor, Permission.ROLES_MANAGE):
        return True
    return role in MEMBER_ROLES and allows(actor, Permission.MEMBER_USERS_MANAGE, member_id)


@dataclass(frozen=True, slots=True)
class RoleInput:
    issuer: str
    subject: str
    role: str
    member: str | None = None
    name: str = ""


async def _role_and_member(session: AsyncSession, data: RoleInput) -> tuple[Role, int | None]:
    """Check a role input: known role, a member exactly when the role is a member role."""
    errors = ErrorCollector()
    if not data.issuer.strip():
        errors.add("issuer", AuthRefusal.ISSUER_REQUIRED)
    if not data.subject.strip():
        errors.add("subject", AuthRefusal.SUBJECT_REQUIRED)
    try:
        role = Role(data.role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationFailed.single("role", AuthRefusal.UNKNOWN_ROLE, allowed=allowed) from None
    member_id: int | None = None
    if role in MEMBER_ROLES:
        if not data.member:
            errors.add("member", AuthRefusal.MEMBER_FOR_ROLE_REQUIRED, role=role)
        else:
            member_id = (await member_or_refuse(session, data.member)).id
    elif data.member:
        errors.add("member", AuthRefusal.MEMBER_NOT_FOR_ROLE, role=role)
    errors.raise_if_any()
    return role, member_id


async def assign_role(session: AsyncSession, actor: Actor, data: RoleInput) -> RoleAssignment:
    """Give a person a role; the person is registered if they have not logged in yet."""
    role, member_id = await _role_and_member(session, data)
    if not _may_manage_role(actor, role, member_id):
        raise Forbidden(AuthRefusal.ASSIGN_FORBIDDEN, role=role)
    user = await repository.user_by_identity(session, data.issuer.strip(), data.subject.strip())
    if user is None:
        user = User(issuer=data.issuer.strip(), subject=data.subject.strip(), name=data.name)
        await _register(session, actor, user)
    if await repository.assignment(session, user.id, role, member_id) is not None:
        raise ValidationFailed.single("role", AuthRefusal.ROLE_HELD)
    assignment = RoleAssignment(user_id=user.id, role=role, member_id=member_id)
    session.add(assignment)
    await session.flush()
    # The person logs in again to get the new role: no session outlives a change of roles.
    await sessions.revoke_sessions_of(session, user.id)
    await record_row(session, actor, "create", "role_assignment", assignment, member_id=member_id)
    return assignment


async def revoke_role(session: AsyncSession, actor: Actor, data: RoleInput) -> None:
    role, member_id = await _role_and_member(session, data)
    if not _may_manage_role(actor, role, member_id):
        raise Forbidden(AuthRefusal.REVOKE_FORBIDDEN, role=role)
    user = await repository.user_by_identity(session, data.issuer.strip(), data.subject.strip())
    assignment = await repository.assignment(session, user.id, role, member_id) if user else None
    if assignment is None:
        raise NotFound(AuthRefusal.ROLE_NOT_HELD)
    before, user_id = snapshot(assignment), assignment.user_id
    await session.delete(assignment)
    await session.flush()
    await sessions.revoke_sessions_of(session, user_id)
    await record(
        session,
        actor,
        operation="delete",
        entity_type="role_assignment",
        entity_id=str(before["id"]),
        before=before,
        after=None,
        member_id=member_id,
    )


@dataclass(frozen=True, slots=True)
class TokenInput:
    member: str
    name: str
    permissions: Iterable[str]
    application: str | None = None


async def create_token(
    session: AsyncSession, actor: Actor, data: TokenInput
) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored."""
    member = await member_or_refuse(session, data.member)
    require_for(actor, Permission.TOKENS_MANAGE, AuthRefusal.TOKENS_FORBIDDEN, member)
    errors = ErrorCollector()
    name = data.name.strip()
    if not name:
        errors.add("name", AuthRefusal.TOKEN_NAME_REQUIRED)
    permissions = sorted(set(data.permissions))
    if not permissions:
        errors.add("permissions", AuthRefusal.TOKEN_PERMISSIONS_REQUIRED)
    for i, permission in enumerate(permissions):
        if permission not in TOKEN_PERMISSIONS:
            allowed = ", ".join(sorted(TOKEN_PERMISSIONS))
            errors.add(f"permissions[{i}]", AuthRefusal.UNKNOWN_PERMISSION, allowed=allowed)
    application_id: int | None = None
    if data.application:
        application = await catalogue.application_by_slug(session, data.application)
        if application is None:
            errors.add("application", AuthRefusal.UNKNOWN_APPLICATION, application=data.application)
        else:
            application_id = application.id
    errors.raise_if_any()
    secret = tokens.new_secret()
    token = ApiToken(
        name=name,
        token_hash=tokens.digest(secret),
        prefix=tokens.display_prefix(secret),
        member_id=member.id,
        application_id=application_id,
        permissions=" ".join(permissions),
        created_by_id=actor.user_id,
    )
    session.add(token)
    await session.flush()
    await _audit_token(session, actor, "create", token, None)
    return token, secret


async def revoke_token(session: AsyncSession, actor: Actor, token_id: int) -> ApiToken:
    token = await repository.token_by_id(session, token_id)
    if token is None or not allows(actor, Permission.TOKENS_MANAGE, token.member_id):
        raise NotFound(AuthRefusal.NO_MANAGED_TOKEN, token=str(token_id))
    if token.revoked_at is not None:
        raise ValidationFailed.single("token", AuthRefusal.TOKEN_REVOKED)
    before = _token_state(token)
    token.revoked_at = utcnow()
    await session.flush()
    await _audit_token(session, actor, "update", token, before)
    return token


def _token_state(token: ApiToken) -> Snapshot:
    """A token as the audit log keeps it: never its hash."""
    return snapshot(token, exclude=frozenset({"token_hash"}))


async def _audit_token(
    session: AsyncSession, actor: Actor, operation: str, token: ApiToken, before: Snapshot | None
) -> None:
    await record(
        session,
        actor,
        operation=operation,
        entity_type="api_token",
        entity_id=str(token.id),
        before=before,
        after=_token_state(token),
        member_id=token.member_id,
    )
