"""Authorization rules: which role may do what, for which member. One table, default deny."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from registry.auth.roles import Actor, ActorKind, Role
from registry.kit.errors import Forbidden, Param, Refusal


class Permission(enum.StrEnum):
    CATALOGUE_READ_UNPUBLISHED = "catalogue:read-unpublished"
    CATALOGUE_MANAGE = "catalogue:manage"
    MEMBERS_MANAGE = "members:manage"
    MEMBER_READ_PRIVATE = "member:read-private"
    USAGE_WRITE = "usage:write"
    TOKENS_MANAGE = "tokens:manage"
    MEMBER_USERS_MANAGE = "member-users:manage"
    ROLES_MANAGE = "roles:manage"
    USERS_READ = "users:read"
    AUDIT_READ = "audit:read"
    FEES_MANAGE = "fees:manage"
    FINANCE_READ = "finance:read"
    COSTS_MANAGE = "costs:manage"
    ADOPTION_MANAGE = "adoption:manage"
    BILLING_MANAGE = "billing:manage"
    INVOICES_READ = "invoices:read"
    INVOICES_PAY = "invoices:pay"
    BILLING_DETAILS_MANAGE = "billing-details:manage"
    REPORTS_EXPORT = "reports:export"
    CATALOGUE_PROPOSE = "catalogue:propose"
    APPLICATION_MAINTAIN = "application:maintain"
    COMMUNITY_TAKE_PART = "community:take-part"
    COSTS_ESTIMATE = "costs:estimate"
    WEBHOOKS_MANAGE = "webhooks:manage"
    APPROVALS_DECIDE = "approvals:decide"
    CONTRACTS_MANAGE = "contracts:manage"
    BUDGET_MANAGE = "budget:manage"
    JOURNAL_EXPORT = "journal:export"
    GOVERNANCE_MANAGE = "governance:manage"
    GOVERNANCE_READ = "governance:read"
    ALV_READ = "alv:read"
    YEARS_CLOSE = "years:close"


@dataclass(frozen=True, slots=True)
class Rule:
    everywhere: frozenset[Role]
    """Roles that have the permission for every member."""
    own_member: frozenset[Role] = frozenset()
    """Member roles that have it only for their own member."""


_READERS = frozenset({Role.DIRECTIE, Role.AUDITOR, Role.ADMIN})

RULES: dict[Permission, Rule] = {
    Permission.CATALOGUE_READ_UNPUBLISHED: Rule(_READERS),
    Permission.CATALOGUE_MANAGE: Rule(frozenset({Role.DIRECTIE})),
    Permission.MEMBERS_MANAGE: Rule(frozenset({Role.DIRECTIE})),
    Permission.MEMBER_READ_PRIVATE: Rule(
        frozenset({Role.DIRECTIE, Role.AUDITOR}), frozenset({Role.MEMBER_USER, Role.MEMBER_ADMIN})
    ),
    Permission.USAGE_WRITE: Rule(
        frozenset({Role.DIRECTIE}), frozenset({Role.MEMBER_USER, Role.MEMBER_ADMIN})
    ),
    Permission.TOKENS_MANAGE: Rule(frozenset(), frozenset({Role.MEMBER_ADMIN})),
    Permission.MEMBER_USERS_MANAGE: Rule(frozenset({Role.ADMIN}), frozenset({Role.MEMBER_ADMIN})),
    Permission.ROLES_MANAGE: Rule(frozenset({Role.ADMIN})),
    Permission.USERS_READ: Rule(frozenset({Role.ADMIN})),
    Permission.AUDIT_READ: Rule(frozenset({Role.AUDITOR, Role.ADMIN})),
    Permission.FEES_MANAGE: Rule(frozenset({Role.DIRECTIE})),
    Permission.FINANCE_READ: Rule(frozenset({Role.DIRECTIE, Role.AUDITOR})),
    Permission.COSTS_MANAGE: Rule(frozenset({Role.DIRECTIE})),
    Permission.ADOPTION_MANAGE: Rule(frozenset({Role.DIRECTIE}), frozenset({Role.MEMBER_ADMIN})),
    Permission.BILLING_MANAGE: Rule(frozenset({Role.DIRECTIE})),
    Permission.INVOICES_READ: Rule(
        frozenset({Role.DIRECTIE, Role.AUDITOR}), frozenset({Role.MEMBER_ADMIN})
    ),
    Permission.INVOICES_PAY: Rule(frozenset(), frozenset({Role.MEMBER_ADMIN})),
    Permission.BILLING_DETAILS_MANAGE: Rule(
        frozenset({Role.DIRECTIE}), frozenset({Role.MEMBER_ADMIN})
    ),
    Permission.REPORTS_EXPORT: Rule(
        frozenset({Role.DIRECTIE, Role.AUDITOR}), frozenset({Role.MEMBER_ADMIN})
    ),
    # A member admin proposes an application with its own member as the lead member.
    Permission.CATALOGUE_PROPOSE: Rule(frozenset(), frozenset({Role.MEMBER_ADMIN})),
    # The lead member's admins maintain its description, releases, repository and standards.
    Permission.APPLICATION_MAINTAIN: Rule(
        frozenset({Role.DIRECTIE}), frozenset({Role.MEMBER_ADMIN})
    ),
    # Register interest, join and leave a community: the directie for anyone, admins for their own.
    Permission.COMMUNITY_TAKE_PART: Rule(
        frozenset({Role.DIRECTIE}), frozenset({Role.MEMBER_ADMIN})
    ),
    # What would joining an application (or the cooperative) cost this member?
    Permission.COSTS_ESTIMATE: Rule(
        frozenset({Role.DIRECTIE, Role.AUDITOR}), frozenset({Role.MEMBER_USER, Role.MEMBER_ADMIN})
    ),
    # Outgoing webhooks: the directie for any member or none, admins for their own member.
    Permission.WEBHOOKS_MANAGE: Rule(frozenset({Role.DIRECTIE}), frozenset({Role.MEMBER_ADMIN})),
    # Four-eyes: a second director approves or rejects what one director prepared; the
    # preparer withdraws (registry/approvals/rules.py says who is which).
    Permission.APPROVALS_DECIDE: Rule(frozenset({Role.DIRECTIE})),
    # The contracts register and the budget: the directie keeps them (read: FINANCE_READ).
    Permission.CONTRACTS_MANAGE: Rule(frozenset({Role.DIRECTIE})),
    Permission.BUDGET_MANAGE: Rule(frozenset({Role.DIRECTIE})),
    # The books of a year (journal export): the directie and the accountant (auditor role).
    Permission.JOURNAL_EXPORT: Rule(frozenset({Role.DIRECTIE, Role.AUDITOR})),
    # Bodies, people, meetings, votes and conflicts of interest: the directie keeps them.
    Permission.GOVERNANCE_MANAGE: Rule(frozenset({Role.DIRECTIE})),
    Permission.GOVERNANCE_READ: Rule(frozenset({Role.DIRECTIE, Role.AUDITOR})),
    # The ALV's meetings and outcomes: also the admins of a member, for their own member.
    Permission.ALV_READ: Rule(
        frozenset({Role.DIRECTIE, Role.AUDITOR}), frozenset({Role.MEMBER_ADMIN})
    ),
    # Close a financial year after the accountant's sign-off, or reopen it: the directie.
    Permission.YEARS_CLOSE: Rule(frozenset({Role.DIRECTIE})),
}

TOKEN_PERMISSIONS = frozenset({Permission.USAGE_WRITE})
"""What an API token can be granted: machine clients report usage, nothing else."""


def allows(actor: Actor, permission: Permission, member_id: int | None = None) -> bool:
    """Whether `actor` has `permission`, for `member_id` when the permission is per member."""
    if actor.kind is ActorKind.SYSTEM:
        return True
    if actor.kind is ActorKind.TOKEN:
        scope = actor.token_scope
        return (
            scope is not None
            and permission.value in scope.permissions
            and member_id is not None
            and member_id == scope.member_id
        )
    rule = RULES[permission]
    if any(actor.has_role(role) for role in rule.everywhere):
        return True
    return member_id is not None and any(
        actor.has_role(role, member_id) for role in rule.own_member
    )


def require(
    actor: Actor,
    permission: Permission,
    refusal: Refusal,
    *,
    member_id: int | None = None,
    **params: Param,
) -> None:
    """Refuse (`Forbidden`) unless `actor` has `permission` (for `member_id`).

    The one check each service makes before it reads or changes anything; the refusal is the
    operation's own, so the person reads what they may not do (and `params` fill it in).
    """
    if not allows(actor, permission, member_id):
        raise Forbidden(refusal, **params)


class NamedMember(Protocol):
    """A member as a refusal names it (a `Member` row)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


def require_for(
    actor: Actor, permission: Permission, refusal: Refusal, member: NamedMember
) -> None:
    """`require` for one member, whose name fills the refusal's `{member}`."""
    require(actor, permission, refusal, member_id=member.id, member=member.name)
