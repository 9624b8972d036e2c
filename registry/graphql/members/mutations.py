"""Membership changes and decisions (directie)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Concatenate, ParamSpec, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry import mergers
from registry.auth.policy import Permission
from registry.auth.roles import Actor
from registry.fees import service as fees
from registry.graphql.attributes import from_attributes
from registry.graphql.common import Decision
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.members.types import Member, Membership, Municipality
from registry.graphql.mutating import Answer, act, answer, mutate
from registry.graphql.permissions import mutation
from registry.kit.errors import ValidationFailed
from registry.members import decisions, memberships, merger, registration
from registry.members.errors import GOVERNMENT_TYPES, MembersRefusal
from registry.members.models import DecisionBody
from registry.members.models import Membership as MembershipRecord

D = TypeVar("D")
Args = ParamSpec("Args")


@strawberry.input
class DecisionInput:
    body: DecisionBody
    decided_on: date
    reference: str
    subject: str
    text: str | None = None
    document_url: str | None = None


@strawberry.input(description="A partner of a partnership without legal personality.")
class SignatoryInput:
    name: str
    oin: str | None = None


@strawberry.input(description="A government body applying for membership.")
class MemberApplyInput:
    code: str
    name: str
    type: str = strawberry.field(description="A government body type: " + GOVERNMENT_TYPES)
    applied_on: date
    municipalities: list[str] = strawberry.field(default_factory=list)
    oin: str | None = None
    kvk: str | None = None
    signatories: list[SignatoryInput] = strawberry.field(default_factory=list)


@strawberry.input
class AdmissionInput:
    membership_id: strawberry.ID
    start_date: date
    agreement_reference: str = strawberry.field(description="The signed agreement.")
    decision: str | None = strawberry.field(
        default=None, description="Reference of the directie decision to admit."
    )
    entry_fee: Decimal | None = None
    entry_fee_decision: str | None = strawberry.field(
        default=None, description="Reference of the ALV decision that set the entry fee."
    )

    def to_domain(self) -> memberships.AdmissionInput:
        return memberships.AdmissionInput(
            _membership_id(self.membership_id),
            self.start_date,
            self.agreement_reference,
            self.decision,
            self.entry_fee,
            self.entry_fee_decision,
        )


@strawberry.input
class NoticeInput:
    membership_id: strawberry.ID
    notice_date: date
    end_date: date
    exit_charge: Decimal = strawberry.field(
        default=Decimal(0), description="Requested; capped at one year's contribution."
    )

    def to_domain(self) -> fees.NoticeInput:
        return fees.NoticeInput(
            _membership_id(self.membership_id),
            self.notice_date,
            self.end_date,
            str(self.exit_charge),
        )


@strawberry.input(description="A municipal merger (herindeling) taking effect on 1 January.")
class MergerInput:
    effective_date: date
    successor_code: str
    successor_name: str
    predecessor_codes: list[str]
    successor_member_code: str | None = strawberry.field(
        default=None,
        description="The member that continues merged member municipalities (created if new).",
    )


@strawberry.type
class DecisionPayload:
    decision: Decision | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class MembershipPayload:
    membership: Membership | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class MergerPayload:
    successor: Municipality | None = None
    successor_member: Member | None = None
    absorbed: list[Member] = strawberry.field(default_factory=list)
    regrouped: list[Member] = strawberry.field(default_factory=list)
    errors: list[FieldError] = strawberry.field(default_factory=list)


def _membership_id(value: strawberry.ID) -> int:
    if not str(value).isdigit():
        raise ValidationFailed.single("membershipId", MembersRefusal.INVALID_MEMBERSHIP_ID)
    return int(value)


async def _membership_step(
    info: Info,
    step: Callable[Concatenate[AsyncSession, Actor, D, Args], Awaitable[MembershipRecord]],
    data: Callable[[], D],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> MembershipPayload:
    """The step `step(session, actor, data(), *args, **kwargs)` of a membership by whoever
    calls, answered with the membership after it. `data()` reads the membership id, in the
    transaction, so an id that is not one is answered as a refusal in the payload."""
    return await mutate(
        info,
        MembershipPayload,
        lambda session: step(session, info.context.actor, data(), *args, **kwargs),
        _MEMBERSHIP.shape,
    )


def _signatories(items: list[SignatoryInput]) -> list[memberships.SignatoryInput]:
    return [memberships.SignatoryInput(s.name, s.oin) for s in items]


_DECISION = answer(DecisionPayload, "decision", Decision.of)
_MEMBERSHIP = answer(MembershipPayload, "membership", Membership.of)


@strawberry.type
class MembersMutation:
    @mutation(Permission.MEMBERS_MANAGE, "Record a decision of the ALV, RvC or directie.")
    async def decision_record(self, info: Info, input: DecisionInput) -> DecisionPayload:
        data = from_attributes(decisions.DecisionInput, input, body=input.body.value)
        return await act(info, _DECISION, decisions.record_decision, data)

    @mutation(
        Permission.MEMBERS_MANAGE, "Register a government body and its application for membership."
    )
    async def member_apply(self, info: Info, input: MemberApplyInput) -> MembershipPayload:
        member = from_attributes(
            registration.MemberInput, input, municipalities=tuple(input.municipalities)
        )
        return await act(
            info,
            _MEMBERSHIP,
            memberships.register_applicant,
            member,
            input.applied_on,
            _signatories(input.signatories),
        )

    @mutation(Permission.MEMBERS_MANAGE, "A registered (former) member applies again.")
    async def membership_apply(
        self,
        info: Info,
        member_code: str,
        applied_on: date,
        signatories: list[SignatoryInput] | None = None,
    ) -> MembershipPayload:
        signed = _signatories(signatories or [])
        return await act(
            info, _MEMBERSHIP, memberships.apply_for_membership, member_code, applied_on, signed
        )

    @mutation(
        Permission.MEMBERS_MANAGE, "Record the RvC decision approving or rejecting an application."
    )
    async def membership_approval_record(
        self, info: Info, membership_id: strawberry.ID, decision: str, approved: bool
    ) -> MembershipPayload:
        return await _membership_step(
            info,
            memberships.decide_approval,
            lambda: _membership_id(membership_id),
            decision,
            approved,
        )

    @mutation(
        Permission.MEMBERS_MANAGE,
        "Admit an approved applicant from a start date with the signed agreement.",
    )
    async def member_admit(self, info: Info, input: AdmissionInput) -> MembershipPayload:
        return await _membership_step(info, memberships.admit, input.to_domain)

    @mutation(
        Permission.MEMBERS_MANAGE,
        "Record notice and end date; the exit charge is capped at one year.",
    )
    async def membership_end(self, info: Info, input: NoticeInput) -> MembershipPayload:
        return await _membership_step(info, fees.give_notice, input.to_domain)

    @mutation(
        Permission.MEMBERS_MANAGE,
        "Merge municipalities into a successor and move their members' place.",
    )
    async def municipality_merge(self, info: Info, input: MergerInput) -> MergerPayload:
        data = from_attributes(
            merger.MergerInput, input, predecessor_codes=tuple(input.predecessor_codes)
        )
        return await act(
            info,
            Answer(
                MergerPayload,
                lambda outcome: MergerPayload(
                    successor=Municipality.of(outcome.successor),
                    successor_member=Member.of(outcome.successor_member)
                    if outcome.successor_member
                    else None,
                    absorbed=[Member.of(m) for m in outcome.absorbed],
                    regrouped=[Member.of(m) for m in outcome.regrouped],
                ),
            ),
            mergers.merge,
            data,
        )
