"""Who is acting: roles, grants and the actor. Pure data, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(enum.StrEnum):
    MEMBER_USER = "member_user"
    MEMBER_ADMIN = "member_admin"
    DIRECTIE = "directie"
    AUDITOR = "auditor"
    ADMIN = "admin"


MEMBER_ROLES = frozenset({Role.MEMBER_USER, Role.MEMBER_ADMIN})
"""Roles that only mean something for one member; the others hold for the whole registry."""


class ActorKind(enum.StrEnum):
    ANONYMOUS = "anonymous"
    USER = "user"
    TOKEN = "token"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Grant:
    """A role held by a person, for one member (member roles) or registry-wide (the others)."""

    role: Role
    member_id: int | None = None


@dataclass(frozen=True, slots=True)
class TokenScope:
    """What an API token may do: one member, optionally one application, named permissions."""

    member_id: int
    application_id: int | None
    permissions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    label: str
    user_id: int | None = None
    token_id: int | None = None
    grants: frozenset[Grant] = field(default_factory=frozenset)
    token_scope: TokenScope | None = None

    @property
    def authenticated(self) -> bool:
        return self.kind is not ActorKind.ANONYMOUS

    def has_role(self, role: Role, member_id: int | None = None) -> bool:
        if role in MEMBER_ROLES:
            return Grant(role, member_id) in self.grants
        return Grant(role) in self.grants

    @property
    def role_label(self) -> str:
        """The roles as recorded in the audit log, e.g. `directie` or `member_admin@12`."""
        if self.kind is not ActorKind.USER:
            return self.kind.value
        parts = sorted(
            g.role.value if g.member_id is None else f"{g.role.value}@{g.member_id}"
            for g in self.grants
        )
        return ",".join(parts) or "none"

    @property
    def member_ids(self) -> frozenset[int]:
        """Members this actor acts for (through member roles or a token)."""
        ids = {g.member_id for g in self.grants if g.member_id is not None}
        if self.token_scope is not None:
            ids.add(self.token_scope.member_id)
        return frozenset(ids)


ANONYMOUS = Actor(kind=ActorKind.ANONYMOUS, label="anonymous")


def system_actor(label: str) -> Actor:
    """The CLI and background jobs: trusted, recorded under their own name."""
    return Actor(kind=ActorKind.SYSTEM, label=label)
