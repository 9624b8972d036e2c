"""The directie's admission pages: applications waiting for the RvC, the approval, admission
(start date, signed agreement, entry fee) and notice with the exit charge capped as computed.

Each step writes through the same service as its GraphQL mutation (`membershipApprovalRecord`,
`memberAdmit`, `membershipEnd`), so the audit log names the person. Admitting and ending a
membership cannot be undone: the first post shows a summary of what will happen (computed by
the service itself, then rolled back) and only the second post, with the confirmation field,
stores it. A repeated confirmation finds the step already done and shows the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.fees.service import NoticeInput, give_notice
from registry.kit.errors import FieldError, NotFound, RefusedValue, ValidationFailed
from registry.kit.money import parse_euro
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.members.decision_search import DecisionSearch, search_decisions
from registry.members.errors import MembersRefusal
from registry.members.membership import MembershipStatus, status_on
from registry.members.memberships import (
    AdmissionInput,
    admit,
    decide_approval,
    membership_dates,
)
from registry.members.models import Decision, DecisionBody, Member, Membership
from registry.web.access import audience
from registry.web.deps import AnyRequest, CurrentVisit, Visit
from registry.web.forms import (
    Flash,
    form_values,
    notice_for,
    parse_date,
    redirect_with,
    shown_again,
    submit,
)
from registry.web.pages import render

NOTICE_KEY = "admission_notice"
CONFIRM_FIELD = "bevestigd"
APPROVAL_FIELDS = ("besluit", "uitkomst")
ADMISSION_FIELDS = ("start", "overeenkomst", "besluit", "entreegeld", "entreegeld_besluit")
NOTICE_FIELDS = ("opzegdatum", "einddatum", "uittreding")


@dataclass(frozen=True, slots=True)
class Step:
    """An irreversible step of a membership: its form, its confirmation page and its notice."""

    form: str
    kind: str
    notice: str
    confirmed: bool


async def _stored_or_confirmed(
    visit: Visit,
    member: Member,
    membership_id: int,
    step: Step,
    values: dict[str, str],
    errors: list[FieldError],
    summary: Callable[[], dict[str, Any]],
) -> Response[Any]:
    """A refused step shows its form again with what was typed; a confirmed one stays stored;
    otherwise the summary of what it would store is shown and nothing is stored yet."""
    if errors:
        await visit.db.rollback()
        return await _membership_page(
            visit,
            membership_id,
            form=step.form,
            values=values,
            errors=errors,
            status_code=422,
        )
    if step.confirmed:
        return redirect_with(
            visit.request, Flash(NOTICE_KEY, step.notice, f"/toelatingen/{membership_id}")
        )
    shown = summary()
    who = {"name": member.name, "code": member.code}
    await visit.db.rollback()  # read before: the rollback expires what was loaded
    return _confirm_page(visit.request, step.kind, who, membership_id, values, shown)


@dataclass(frozen=True, slots=True)
class Row:
    membership: Membership
    member: Member
    status: MembershipStatus


async def _rows(db_session: AsyncSession) -> list[Row]:
    memberships = await members.all_memberships(db_session)
    found = await members.members_by_ids(db_session, sorted({m.member_id for m in memberships}))
    today = date.today()
    return [Row(m, found[m.member_id], status_on(membership_dates(m), today)) for m in memberships]


async def _options(db_session: AsyncSession, body: DecisionBody) -> list[tuple[str, str]]:
    found = await search_decisions(db_session, DecisionSearch(body=body), PageRequest(0, 200))
    return [(d.reference, f"{d.reference}: {d.subject}") for d in found.items]


async def _membership(db_session: AsyncSession, membership_id: int) -> tuple[Membership, Member]:
    membership = await members.membership_by_id(db_session, membership_id)
    if membership is None:
        raise NotFoundException(f"no membership {membership_id}")
    member = (await members.members_by_ids(db_session, [membership.member_id]))[
        membership.member_id
    ]
    return membership, member


async def _membership_page(
    visit: Visit,
    membership_id: int,
    *,
    form: str | None = None,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    membership, member = await _membership(visit.db, membership_id)
    ids = [
        i
        for i in (
            membership.approval_decision_id,
            membership.admission_decision_id,
            membership.entry_fee_decision_id,
        )
        if i is not None
    ]
    decisions: dict[int, Decision] = await members.decisions_by_ids(visit.db, ids)
    return render(
        visit.request,
        "admissions/membership.html",
        {
            "active_page": "admissions",
            "membership": membership,
            "member": member,
            "status": status_on(membership_dates(membership), date.today()),
            "decisions": decisions,
            "rvc_options": await _options(visit.db, DecisionBody.RVC),
            "directie_options": await _options(visit.db, DecisionBody.DIRECTIE),
            "alv_options": await _options(visit.db, DecisionBody.ALV),
            "form": form,
            "values": values or {"uitkomst": "approved", "uittreding": "0"},
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE_KEY, errors),
        },
        status_code=status_code,
    )


def _confirm_page(
    request: AnyRequest,
    action: str,
    member: dict[str, str],
    membership_id: int,
    values: dict[str, str],
    summary: dict[str, Any],
) -> Response[Any]:
    return render(
        request,
        "admissions/confirm.html",
        {
            "active_page": "admissions",
            "action": action,
            "member": member,
            "membership_id": membership_id,
            "values": values,
            "summary": summary,
            "confirm_field": CONFIRM_FIELD,
        },
    )


class AdmissionPagesController(Controller):
    path = "/toelatingen"
    include_in_schema = False

    @get("/", name="admissions", opt=audience(Permission.MEMBERS_MANAGE))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        rows = await _rows(visit.db)

        def having(*statuses: MembershipStatus) -> list[Row]:
            return [r for r in rows if r.status in statuses]

        return render(
            visit.request,
            "admissions/index.html",
            {
                "active_page": "admissions",
                "applied": having(MembershipStatus.APPLIED),
                "approved": having(MembershipStatus.APPROVED),
                "current": having(
                    MembershipStatus.ADMITTED,
                    MembershipStatus.ACTIVE,
                    MembershipStatus.NOTICE_GIVEN,
                ),
            },
        )

    @get("/{membership_id:int}", name="admission", opt=audience(Permission.MEMBERS_MANAGE))
    async def membership(self, visit: CurrentVisit, membership_id: FromPath[int]) -> Response[Any]:
        return await _membership_page(visit, membership_id)

    @post(
        "/{membership_id:int}/goedkeuring",
        name="admission-approval",
        opt=audience(Permission.MEMBERS_MANAGE),
    )
    async def approval(self, visit: CurrentVisit, membership_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, *APPROVAL_FIELDS)
        approved = values["uitkomst"] != "rejected"
        try:
            return await submit(
                visit,
                partial(
                    decide_approval,
                    visit.db,
                    visit.actor,
                    membership_id,
                    values["besluit"],
                    approved,
                ),
                lambda _: Flash(
                    NOTICE_KEY,
                    "approved" if approved else "rejected",
                    f"/toelatingen/{membership_id}",
                ),
                shown_again(
                    _membership_page,
                    visit,
                    membership_id,
                    form="approval",
                    values=values,
                ),
            )
        except NotFound:
            raise NotFoundException(f"no membership {membership_id}") from None

    @post(
        "/{membership_id:int}/toelating",
        name="admission-admit",
        opt=audience(Permission.MEMBERS_MANAGE),
    )
    async def admission(self, visit: CurrentVisit, membership_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, *ADMISSION_FIELDS, CONFIRM_FIELD)
        confirmed = values.pop(CONFIRM_FIELD) == "ja"
        errors: list[FieldError] = []
        start = parse_date(values, "start", "startDate", MembersRefusal.INVALID_DATE, errors)
        fee: Decimal | None = None
        if values["entreegeld"]:
            try:
                fee = parse_euro(values["entreegeld"])
            except RefusedValue as refused:  # says why: not a number, ambiguous, too precise
                errors.append(FieldError("entryFee", refused.phrase))
        membership, member = await _membership(visit.db, membership_id)
        if (
            confirmed
            and start is not None
            and membership.start_date == start
            and membership.agreement_reference == values["overeenkomst"]
        ):  # the same confirmation again: already stored by the first one
            return Redirect(f"/toelatingen/{membership_id}", status_code=303)
        if start is not None and not errors:
            data = AdmissionInput(
                membership_id,
                start,
                values["overeenkomst"],
                values["besluit"] or None,
                fee,
                values["entreegeld_besluit"] or None,
            )
            try:
                admitted = await admit(visit.db, visit.actor, data)
            except ValidationFailed as failed:
                errors.extend(failed.errors)
        return await _stored_or_confirmed(
            visit,
            member,
            membership_id,
            Step("admission", "toelating", "admitted", confirmed),
            values,
            errors,
            lambda: {
                "start": admitted.start_date,
                "agreement": admitted.agreement_reference,
                "entry_fee_cents": admitted.entry_fee_cents,
            },
        )

    @post(
        "/{membership_id:int}/opzegging",
        name="admission-notice",
        opt=audience(Permission.MEMBERS_MANAGE),
    )
    async def notice(self, visit: CurrentVisit, membership_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, *NOTICE_FIELDS, CONFIRM_FIELD)
        confirmed = values.pop(CONFIRM_FIELD) == "ja"
        errors: list[FieldError] = []
        notice_date = parse_date(
            values, "opzegdatum", "noticeDate", MembersRefusal.INVALID_DATE, errors
        )
        end_date = parse_date(values, "einddatum", "endDate", MembersRefusal.INVALID_DATE, errors)
        membership, member = await _membership(visit.db, membership_id)
        if (
            confirmed
            and membership.notice_date is not None
            and membership.notice_date == notice_date
            and membership.end_date == end_date
        ):  # the same confirmation again: already stored by the first one
            return Redirect(f"/toelatingen/{membership_id}", status_code=303)
        if notice_date is not None and end_date is not None:
            data = NoticeInput(membership_id, notice_date, end_date, values["uittreding"] or "0")
            try:
                ended = await give_notice(visit.db, visit.actor, data)
            except ValidationFailed as failed:
                errors.extend(failed.errors)
        return await _stored_or_confirmed(
            visit,
            member,
            membership_id,
            Step("notice", "opzegging", "ended", confirmed),
            values,
            errors,
            lambda: {
                "notice_date": ended.notice_date,
                "end_date": ended.end_date,
                "requested_cents": ended.exit_charge_requested_cents,
                "cap_cents": ended.exit_charge_cap_cents,
                "charged_cents": ended.exit_charge_cents,
                "rate": ended.exit_charge_rate,
                "inhabitants": ended.exit_charge_inhabitants,
                "reference_date": ended.exit_charge_reference_date,
                "capped": (ended.exit_charge_cents or 0) < (ended.exit_charge_requested_cents or 0),
            },
        )
