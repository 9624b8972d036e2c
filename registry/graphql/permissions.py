"""Every root field declares its audience; the schema refuses to build without one.

An audience is a permission from `registry.auth.policy` (or public) and, for per-member
permissions, where the member comes from: the parent object, a member code argument, or
an invoice id argument (the invoice's member).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from registry.auth.errors import AuthRefusal
from registry.auth.policy import Permission, allows
from registry.billing import repository as billing
from registry.graphql.context import Info
from registry.graphql.relay import database_id
from registry.kit.errors import Common, Phrase
from registry.members import repository as members


@dataclass(frozen=True, slots=True)
class Audience:
    permission: Permission | None
    """None: everyone, also without login."""
    member_argument: str | None = None
    """Dotted path of the argument holding a member code, e.g. `input.member`."""
    member_from_source: bool = False
    """The parent object is the member (its private `id`)."""
    invoice_argument: str | None = None
    """Name of the argument holding an invoice id; the member is the invoice's."""

    @property
    def per_member(self) -> bool:
        return (
            self.member_argument is not None
            or self.member_from_source
            or self.invoice_argument is not None
        )


class NotAllowed(Exception):
    """The caller may not use this field; the phrase says what is missing (a login or the
    permission), the message keeps the API's "not allowed: " before it."""

    def __init__(self, phrase: Phrase) -> None:
        self.phrase = phrase
        super().__init__(f"not allowed: {phrase.text('en')}")


class Policy(BasePermission):
    def __init__(self, audience: Audience) -> None:
        super().__init__()
        self.audience = audience

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        audience = self.audience
        actor = info.context.actor
        if audience.permission is None:
            return True
        member_id: int | None = None
        if audience.member_from_source:
            member_id = source.id
        elif audience.member_argument is not None:
            code = _argument(kwargs, audience.member_argument)
            if isinstance(code, str):
                async with info.context.db() as session:
                    member = await members.member_by_code(session, code)
                member_id = member.id if member else None
        elif audience.invoice_argument is not None:
            invoice_id = database_id(kwargs.get(audience.invoice_argument, ""))
            if invoice_id is not None:
                async with info.context.db() as session:
                    member_id = await billing.member_of_invoice(session, invoice_id)
        if allows(actor, audience.permission, member_id):
            return True
        # Raised rather than set on the shared instance: concurrent calls must not mix messages.
        raise NotAllowed(
            Phrase(AuthRefusal.LOGIN_REQUIRED)
            if not actor.authenticated
            else Phrase(Common.FORBIDDEN, {"permission": audience.permission.value})
        )


def _argument(arguments: Mapping[str, Any], path: str) -> Any:
    value: Any = arguments
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
    return value


def policy(
    permission: Permission | None = None,
    *,
    member_argument: str | None = None,
    member_from_source: bool = False,
    invoice_argument: str | None = None,
) -> list[FieldExtension]:
    audience = Audience(permission, member_argument, member_from_source, invoice_argument)
    return [PermissionExtension(permissions=[Policy(audience)], use_directives=False)]


def mutation(
    permission: Permission | None,
    description: str | None = None,
    *,
    member_argument: str | None = None,
    invoice_argument: str | None = None,
) -> Any:
    """A mutation (`strawberry.mutation`) with its audience, as `policy` declares it."""
    return strawberry.mutation(
        extensions=policy(
            permission, member_argument=member_argument, invoice_argument=invoice_argument
        ),
        description=description,
    )


def field_for(
    permission: Permission | None = None,
    description: str | None = None,
    *,
    member_argument: str | None = None,
    member_from_source: bool = False,
    invoice_argument: str | None = None,
) -> Any:
    """A field (`strawberry.field`) with its audience, as `policy` declares it."""
    return strawberry.field(
        extensions=policy(
            permission,
            member_argument=member_argument,
            member_from_source=member_from_source,
            invoice_argument=invoice_argument,
        ),
        description=description,
    )


def audience_of(extensions: list[FieldExtension]) -> Audience | None:
    """The declared audience of a field, for the schema check and the authorization matrix."""
    for extension in extensions:
        if isinstance(extension, PermissionExtension):
            for permission in extension.permissions:
                if isinstance(permission, Policy):
                    return permission.audience
    return None
