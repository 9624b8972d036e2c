"""Registering a member organisation. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_row
from registry.auth.roles import Actor
from registry.kit.errors import Common, ErrorCollector
from registry.members import identifiers, repository
from registry.members.errors import MembersRefusal, member_type
from registry.members.models import (
    Member,
)
from registry.members.operations import authorise


@dataclass(frozen=True, slots=True)
class MemberInput:
    code: str
    name: str
    type: str
    municipalities: Sequence[str] = field(default_factory=tuple)
    oin: str | None = None
    kvk: str | None = None


async def create_member(session: AsyncSession, actor: Actor, data: MemberInput) -> Member:
    """Register a member organisation; only government bodies, identifiers validated."""
    authorise(actor)
    errors = ErrorCollector()
    code = data.code.strip()
    if not code:
        errors.add("code", Common.REQUIRED)
    elif await repository.member_by_code(session, code) is not None:
        errors.add("code", MembersRefusal.MEMBER_CODE_TAKEN, code=code)
    name = data.name.strip()
    if not name:
        errors.add("name", Common.REQUIRED)
    kind = errors.check(partial(member_type, data.type))
    oin = errors.check(partial(identifiers.oin, data.oin)) if data.oin else None
    kvk = errors.check(partial(identifiers.kvk, data.kvk)) if data.kvk else None
    codes: list[str] = []
    for i, raw in enumerate(data.municipalities):
        checked = errors.check(partial(identifiers.cbs_code, raw, f"municipalities[{i}]"))
        if checked is not None:
            codes.append(checked)
    known = await repository.municipalities_by_codes(session, codes)
    for i, cbs in enumerate(codes):
        if cbs not in known:
            errors.add(f"municipalities[{i}]", MembersRefusal.UNKNOWN_MUNICIPALITY, code=cbs)
    errors.raise_if_any()
    assert kind is not None
    member = Member(
        code=code,
        name=name,
        type=kind,
        oin=oin,
        kvk=kvk,
        municipalities=[known[c] for c in dict.fromkeys(codes)],
    )
    session.add(member)
    await session.flush()
    await record_row(
        session,
        actor,
        "create",
        "member",
        member,
        entity_id=member.code,
        member_id=member.id,
        municipalities=[m.cbs_code for m in member.municipalities],
    )
    return member
