"""Roles and API tokens: who may hand them out, what is stored, and what a token can do."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.auth import service, tokens
from registry.auth.models import ApiToken, User
from registry.auth.policy import Permission, allows
from registry.auth.roles import ANONYMOUS, Actor, Role, system_actor
from registry.kit.errors import Forbidden, NotFound, ValidationFailed
from registry.members import repository as members
from tests.conftest import DemoTemplate

ISSUER = "https://idp.woerden.example"


async def _actor(session: AsyncSession, role: Role, member: str | None = None) -> Actor:
    assignment = await service.assign_role(
        session,
        system_actor("test"),
        service.RoleInput(ISSUER, f"{role.value}-{member}", role.value, member, "Test"),
    )
    actor = await service.actor_for_user(session, assignment.user_id)
    assert actor is not None
    return actor


@pytest.fixture
async def demo(session: AsyncSession, demo_template: DemoTemplate) -> AsyncSession:
    await demo_template.copy_into(session)
    return session


async def test_login_keys_people_on_issuer_and_subject(session: AsyncSession) -> None:
    first = await service.login(session, issuer=ISSUER, subject="42", name="Wim", email="w@x.nl")
    again = await service.login(session, issuer=ISSUER, subject="42", name="Wim W.", email="")
    other = await service.login(
        session, issuer="https://idp.other.example", subject="42", name="Wim", email="w@x.nl"
    )
    assert first.id == again.id != other.id
    assert again.name == "Wim W."
    assert again.email == "w@x.nl"
    assert await session.scalar(select(func.count()).select_from(User)) == 2
    events = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    assert [(e.operation, e.entity_id) for e in events] == [
        ("create", str(first.id)),
        ("update", str(first.id)),  # the provider changed the name
        ("create", str(other.id)),
    ]
    assert '"name":"Wim W."' in (events[1].after or "")


async def test_member_admin_manages_only_member_roles_of_its_own_member(demo: AsyncSession) -> None:
    admin = await _actor(demo, Role.MEMBER_ADMIN, "woerden")
    colleague = service.RoleInput(ISSUER, "colleague", "member_user", "woerden")
    await service.assign_role(demo, admin, colleague)
    with pytest.raises(Forbidden):
        await service.assign_role(
            demo, admin, service.RoleInput(ISSUER, "x", "member_user", "eindhoven")
        )
    with pytest.raises(Forbidden) as refused:
        await service.assign_role(demo, admin, service.RoleInput(ISSUER, "x", "directie"))
    assert refused.value.message == "you may not assign the role management"
    assert refused.value.text("nl") == "U mag de rol directie niet toekennen."
    assert refused.value.text("nl") == "U mag de rol directie niet toekennen."
    with pytest.raises(ValidationFailed) as caught:
        await service.assign_role(demo, admin, colleague)
    assert caught.value.errors[0].code == "duplicate"
    assert caught.value.errors[0].text("nl") == "Deze persoon heeft deze rol al."
    await service.revoke_role(demo, admin, colleague)
    with pytest.raises(NotFound):
        await service.revoke_role(demo, admin, colleague)


async def test_role_input_rules(demo: AsyncSession) -> None:
    admin = await _actor(demo, Role.ADMIN)
    cases = [
        (service.RoleInput(ISSUER, "x", "member_user"), ("member", "required")),
        (service.RoleInput(ISSUER, "x", "auditor", "woerden"), ("member", "not_allowed")),
        (service.RoleInput(ISSUER, "x", "koning"), ("role", "unknown_role")),
        (service.RoleInput(" ", "x", "auditor"), ("issuer", "required")),
    ]
    for data, expected in cases:
        with pytest.raises(ValidationFailed) as caught:
            await service.assign_role(demo, admin, data)
        assert (caught.value.errors[0].field, caught.value.errors[0].code) == expected
    with pytest.raises(ValidationFailed) as caught:
        await service.assign_role(demo, admin, service.RoleInput(ISSUER, "x", "member_admin"))
    assert caught.value.errors[0].message == "member administrator is a role for one member"
    assert caught.value.errors[0].text("nl") == (
        "De rol lidbeheerder geldt voor één lid; vul in voor welk lid."
    )
    with pytest.raises(Forbidden):
        await service.assign_role(demo, ANONYMOUS, service.RoleInput(ISSUER, "x", "auditor"))


async def test_a_token_is_shown_once_stored_hashed_and_can_be_revoked(demo: AsyncSession) -> None:
    admin = await _actor(demo, Role.MEMBER_ADMIN, "woerden")
    token, secret = await service.create_token(
        demo, admin, service.TokenInput("woerden", "Zaaksysteem", ["usage:write"])
    )
    stored = await demo.scalar(select(ApiToken.token_hash).where(ApiToken.id == token.id))
    assert stored == tokens.digest(secret) != secret
    assert secret not in str([(e.before, e.after) for e in await demo.scalars(select(AuditEvent))])
    assert token.last_used_at is None

    machine = await service.actor_for_token(demo, secret)
    assert machine is not None
    woerden = await members.member_by_code(demo, "woerden")
    eindhoven = await members.member_by_code(demo, "eindhoven")
    assert woerden is not None
    assert eindhoven is not None
    assert allows(machine, Permission.USAGE_WRITE, woerden.id)
    assert not allows(machine, Permission.USAGE_WRITE, eindhoven.id)
    assert not allows(machine, Permission.TOKENS_MANAGE, woerden.id)
    assert token.last_used_at is not None

    await service.revoke_token(demo, admin, token.id)
    assert await service.actor_for_token(demo, secret) is None
    assert await service.actor_for_token(demo, secret + "x") is None


async def test_token_rules(demo: AsyncSession) -> None:
    admin = await _actor(demo, Role.MEMBER_ADMIN, "woerden")
    with pytest.raises(ValidationFailed) as caught:
        await service.create_token(
            demo, admin, service.TokenInput("woerden", " ", ["tokens:manage"], "bestaat-niet")
        )
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("name", "required"),
        ("permissions[0]", "unknown_permission"),
        ("application", "unknown_application"),
    }
    with pytest.raises(Forbidden):
        await service.create_token(
            demo, admin, service.TokenInput("eindhoven", "x", ["usage:write"])
        )
    directie = await _actor(demo, Role.DIRECTIE)
    with pytest.raises(Forbidden):
        await service.create_token(
            demo, directie, service.TokenInput("woerden", "x", ["usage:write"])
        )
    assert await demo.scalar(select(func.count()).select_from(ApiToken)) == 0
