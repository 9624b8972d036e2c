"""The pages of governance ("Bestuur"): the people of the ALV, the RvC and the directie, the
meetings with their agenda, attendance, proxies and votes, and the register of conflicts of
interest. The directie changes them; the auditor reads everything; a member admin reads the
ALV's meetings and outcomes. Every form writes through the same services as the GraphQL
mutations, so the audit log names the person who did it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from functools import partial
from typing import Any, TypeVar

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.auth.repository import users_with_assignments
from registry.auth.roles import Actor
from registry.governance import repository, service
from registry.governance.errors import GovernanceRefusal
from registry.governance.models import ROLES_OF, AgendaItem, PersonRole
from registry.governance.rules import Choice, MeetingForm, ProposalKind, SubjectKind
from registry.kit.errors import FieldError, NotFound, field_error
from registry.kit.labels import label
from registry.members import repository as members
from registry.members.errors import MembersRefusal
from registry.members.models import DecisionBody
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import Flash, form_values, notice_for, parse_date, shown_again, submit
from registry.web.pages import render

T = TypeVar("T")
NOTICE = "governance_notice"
PERSON_FIELDS = ("naam", "orgaan", "rol", "lid", "gebruiker", "begin", "einde")
MEETING_FIELDS = ("orgaan", "vorm", "datum", "titel", "notulen")
CONFLICT_FIELDS = ("persoon", "soort", "onderwerp", "omschrijving", "begin", "einde")
ITEM_FIELDS = ("titel", "soort", "onderwerpsoort", "onderwerp")


def _may_read_alv(actor: Actor) -> None:
    if not service.may_read_alv(actor):
        raise PermissionDeniedException("no access to this page")


def _enum(cls: type[T], value: str) -> T | None:
    try:
        return cls(value)  # type: ignore[call-arg]
    except ValueError:
        return None


def _id(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


async def _overview(
    visit: Visit,
    *,
    form: str | None = None,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    _may_read_alv(visit.actor)
    reads_all = allows(visit.actor, Permission.GOVERNANCE_READ)
    manages = allows(visit.actor, Permission.GOVERNANCE_MANAGE)
    people = await repository.people(visit.db) if reads_all else []
    meetings = await service.list_meetings(
        visit.db, visit.actor, None if reads_all else DecisionBody.ALV
    )
    conflicts = await repository.conflicts(visit.db) if reads_all else []
    represented = await members.members_by_ids(
        visit.db, sorted({p.member_id for p in people if p.member_id})
    )
    all_members = await members.members_by_ids(
        visit.db, sorted(await service.members_on(visit.db, date.today()))
    )
    today = date.today()
    return render(
        visit.request,
        "governance/index.html",
        {
            "active_page": "governance",
            "reads_all": reads_all,
            "manages": manages,
            "people": people,
            "people_by_id": {p.id: p for p in people},
            "represented": represented,
            "meetings": meetings,
            "conflicts": conflicts,
            "rvc_short": service.rvc_short_on(people, today) if reads_all else False,
            "today": today,
            "member_options": sorted(
                ((m.code, m.name) for m in all_members.values()), key=lambda o: o[1]
            ),
            "person_options": [(str(p.id), p.name) for p in people],
            "user_options": [
                (str(user.id), user.name)
                for user, _ in (await users_with_assignments(visit.db) if manages else [])
            ],
            "roles": list(PersonRole),
            "roles_of": ROLES_OF,
            "subject_kinds": list(SubjectKind),
            "form": form,
            "values": values or {},
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE, errors),
        },
        status_code=status_code,
    )


async def _meeting_page(
    visit: Visit,
    meeting_id: int,
    *,
    form: str | None = None,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    try:
        view = await service.meeting_view(
            visit.db, visit.actor, meeting_id, service.rules_of(visit.settings)
        )
    except NotFound:
        raise NotFoundException("no such meeting") from None
    manages = allows(visit.actor, Permission.GOVERNANCE_MANAGE)
    meeting = view.meeting
    present_members = {a.member_id for a in view.attendance if a.member_id}
    present_people = {a.person_id for a in view.attendance if a.person_id}
    if meeting.body is DecisionBody.ALV:
        seated = await members.members_by_ids(
            visit.db, sorted(await service.members_on(visit.db, meeting.held_on))
        )
        voters = sorted(
            ((m.code, m.name) for m in seated.values() if m.id in view.entitled),
            key=lambda o: o[1],
        )
        absent = sorted(
            ((m.code, m.name) for m in seated.values() if m.id not in present_members),
            key=lambda o: o[1],
        )
        present_names = [
            seated[i].name if i in seated else view.members[i].name
            for i in present_members
            if i in seated or i in view.members
        ]
        representatives = [
            (str(p.id), p.name)
            for p in view.people.values()
            if p.body is DecisionBody.ALV and p.member_id is not None
        ]
    else:
        body_people = [p for p in view.people.values() if p.body is meeting.body]
        voters = [(str(p.id), p.name) for p in body_people if p.id in view.entitled]
        absent = [
            (str(p.id), p.name)
            for p in body_people
            if p.id not in present_people
            and p.starts_on <= meeting.held_on
            and (p.ends_on is None or meeting.held_on <= p.ends_on)
        ]
        present_names = [view.people[i].name for i in present_people if i in view.people]
        representatives = []
    return render(
        visit.request,
        "governance/meeting.html",
        {
            "active_page": "governance",
            "view": view,
            "meeting": meeting,
            "manages": manages,
            "alv": meeting.body is DecisionBody.ALV,
            "written": meeting.form is MeetingForm.WRITTEN,
            "voters": voters,
            "absent": absent,
            "present_names": sorted(present_names),
            "representatives": representatives,
            "kind_options": [(k.value, label(k, visit.language)) for k in ProposalKind],
            "subject_options": [(k.value, label(k, visit.language)) for k in SubjectKind],
            "form": form,
            "values": values or {},
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE, errors),
        },
        status_code=status_code,
    )


def _store(
    visit: Visit,
    store: Callable[[], Awaitable[T]] | None,
    notice: Callable[[T], str],
    url: str,
    again: Callable[[tuple[FieldError, ...]], Awaitable[Response[Any]]],
    errors: Sequence[FieldError] = (),
) -> Awaitable[Response[Any]]:
    return submit(
        visit,
        store,
        lambda result: Flash(NOTICE, notice(result), url),
        again,
        errors=errors,
    )


class GovernancePagesController(Controller):
    path = "/bestuur"
    include_in_schema = False

    @get("/", name="governance", opt=audience(login=True))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _overview(visit)

    @post("/personen", name="governance-person", opt=audience(Permission.GOVERNANCE_MANAGE))
    async def add_person(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *PERSON_FIELDS)
        errors: list[FieldError] = []
        starts = parse_date(values, "begin", "startsOn", MembersRefusal.INVALID_DATE, errors)
        ends = parse_date(
            values, "einde", "endsOn", MembersRefusal.INVALID_DATE, errors, required=False
        )
        store = None
        if starts is not None:
            data = service.PersonInput(
                values["naam"],
                values["orgaan"],
                values["rol"],
                starts,
                ends,
                values["lid"] or None,
                _id(values["gebruiker"]) if values["gebruiker"] else None,
            )
            store = partial(
                service.add_person,
                visit.db,
                visit.actor,
                data,
                service.rules_of(visit.settings),
            )
        return await _store(
            visit,
            store,
            lambda person: person.name,
            "/bestuur",
            shown_again(_overview, visit, form="person", values=values),
            errors,
        )

    @post(
        "/personen/{person_id:int}/einde",
        name="governance-person-end",
        opt=audience(Permission.GOVERNANCE_MANAGE),
    )
    async def end_person(self, visit: CurrentVisit, person_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, "einde")
        errors: list[FieldError] = []
        ends = parse_date(values, "einde", "endsOn", MembersRefusal.INVALID_DATE, errors)
        store = (
            partial(service.end_person, visit.db, visit.actor, person_id, ends) if ends else None
        )
        return await _store(
            visit,
            store,
            lambda person: person.name,
            "/bestuur",
            shown_again(_overview, visit, form="end"),
            errors,
        )

    @post("/vergaderingen", name="governance-meeting", opt=audience(Permission.GOVERNANCE_MANAGE))
    async def create_meeting(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *MEETING_FIELDS)
        errors: list[FieldError] = []
        held = parse_date(values, "datum", "heldOn", MembersRefusal.INVALID_DATE, errors)
        store = None
        if held is not None:
            data = service.MeetingInput(
                values["orgaan"],
                held,
                values["titel"],
                _enum(MeetingForm, values["vorm"]) or MeetingForm.MEETING,
                values["notulen"] or None,
            )
            store = partial(service.create_meeting, visit.db, visit.actor, data)
        return await submit(
            visit,
            store,
            lambda meeting: Flash(NOTICE, meeting.title, f"/bestuur/vergaderingen/{meeting.id}"),
            shown_again(_overview, visit, form="meeting", values=values),
            errors=errors,
        )

    @post("/belangen", name="governance-conflict", opt=audience(Permission.GOVERNANCE_MANAGE))
    async def record_conflict(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *CONFLICT_FIELDS)
        errors: list[FieldError] = []
        starts = parse_date(values, "begin", "startsOn", MembersRefusal.INVALID_DATE, errors)
        ends = parse_date(
            values, "einde", "endsOn", MembersRefusal.INVALID_DATE, errors, required=False
        )
        kind = _enum(SubjectKind, values["soort"])
        if kind is None:
            errors.append(
                field_error(
                    "subjectKind", GovernanceRefusal.UNKNOWN_SUBJECT_KIND, value=values["soort"]
                )
            )
        store = None
        if starts is not None and kind is not None:
            data = service.ConflictInput(
                _id(values["persoon"]),
                kind,
                values["onderwerp"],
                starts,
                ends,
                values["omschrijving"] or None,
            )
            store = partial(service.record_conflict, visit.db, visit.actor, data)
        return await _store(
            visit,
            store,
            lambda conflict: conflict.subject_reference,
            "/bestuur",
            shown_again(_overview, visit, form="conflict", values=values),
            errors,
        )

    @get(
        "/vergaderingen/{meeting_id:int}", name="governance-meeting-page", opt=audience(login=True)
    )
    async def meeting(self, visit: CurrentVisit, meeting_id: FromPath[int]) -> Response[Any]:
        return await _meeting_page(visit, meeting_id)

    async def _on_meeting(
        self,
        visit: Visit,
        meeting_id: int,
        form: str,
        values: dict[str, str],
        store: Callable[[], Awaitable[Any]] | None,
        notice: str,
        errors: Sequence[FieldError] = (),
    ) -> Response[Any]:
        return await _store(
            visit,
            store,
            lambda _: notice,
            f"/bestuur/vergaderingen/{meeting_id}",
            shown_again(_meeting_page, visit, meeting_id, form=form, values=values),
            errors,
        )

    @post(
        "/vergaderingen/{meeting_id:int}/agendapunten",
        name="governance-item",
        opt=audience(Permission.GOVERNANCE_MANAGE),
    )
    async def add_item(self, visit: CurrentVisit, meeting_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, *ITEM_FIELDS)
        data = service.ItemInput(
            values["titel"],
            _enum(ProposalKind, values["soort"]),
            _enum(SubjectKind, values["onderwerpsoort"]),
            values["onderwerp"] or None,
        )
        store = partial(service.add_agenda_item, visit.db, visit.actor, meeting_id, data)
        return await self._on_meeting(visit, meeting_id, "item", values, store, values["titel"])

    @post(
        "/vergaderingen/{meeting_id:int}/aanwezig",
        name="governance-attendance",
        opt=audience(Permission.GOVERNANCE_MANAGE),
    )
    async def attend(self, visit: CurrentVisit, meeting_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, "lid", "persoon")
        store = partial(
            service.record_attendance,
            visit.db,
            visit.actor,
            meeting_id,
            member_code=values["lid"] or None,
            person_id=_id(values["persoon"]) if values["persoon"] else None,
        )
        return await self._on_meeting(
            visit,
            meeting_id,
            "attendance",
            values,
            store,
            values["lid"] or values["persoon"],
        )

    @post(
        "/vergaderingen/{meeting_id:int}/volmachten",
        name="governance-proxy",
        opt=audience(Permission.GOVERNANCE_MANAGE),
    )
    async def proxy(self, visit: CurrentVisit, meeting_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, "volmachtgever", "gevolmachtigde", "document")
        store = partial(
            service.record_proxy,
            visit.db,
            visit.actor,
            meeting_id,
            values["volmachtgever"],
            values["gevolmachtigde"],
            values["document"],
            service.rules_of(visit.settings),
        )
        return await self._on_meeting(
            visit,
            meeting_id,
            "proxy",
            values,
            store,
            values["document"],
        )

    @post(
        "/vergaderingen/{meeting_id:int}/notulen",
        name="governance-minutes",
        opt=audience(Permission.GOVERNANCE_MANAGE),
    )
    async def minutes(self, visit: CurrentVisit, meeting_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, "notulen")
        store = partial(service.set_minutes, visit.db, visit.actor, meeting_id, values["notulen"])
        return await self._on_meeting(
            visit, meeting_id, "minutes", values, store, values["notulen"]
        )

    @post(
        "/agendapunten/{item_id:int}/stemmen",
        name="governance-vote",
        opt=audience(Permission.GOVERNANCE_MANAGE),
    )
    async def vote(self, visit: CurrentVisit, item_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, "stemmer", "keuze", "namens")
        item = await _item_or_404(visit.db, item_id)
        meeting = await service.meeting_or_refuse(visit.db, item.meeting_id)
        alv = meeting.body is DecisionBody.ALV
        choice = _enum(Choice, values["keuze"])
        errors: list[FieldError] = []
        store = None
        if choice is None:
            errors.append(field_error("choice", GovernanceRefusal.UNKNOWN_CHOICE))
        else:
            data = service.VoteInput(
                choice,
                member_code=values["stemmer"] if alv else None,
                person_id=None if alv else _id(values["stemmer"]),
                cast_by_id=_id(values["namens"]) if alv and values["namens"] else None,
            )
            store = partial(service.cast_vote, visit.db, visit.actor, item_id, data)
        return await self._on_meeting(
            visit,
            meeting.id,
            f"vote-{item_id}",
            values,
            store,
            item.title,
            errors,
        )

    @post(
        "/agendapunten/{item_id:int}/sluiten",
        name="governance-close",
        opt=audience(Permission.GOVERNANCE_MANAGE),
    )
    async def close(self, visit: CurrentVisit, item_id: FromPath[int]) -> Response[Any]:
        values = await form_values(visit.request, "kenmerk")
        item = await _item_or_404(visit.db, item_id)
        store = partial(
            service.close_proposal,
            visit.db,
            visit.actor,
            item_id,
            values["kenmerk"],
            service.rules_of(visit.settings),
        )
        return await self._on_meeting(
            visit,
            item.meeting_id,
            f"close-{item_id}",
            values,
            store,
            item.title,
        )


async def _item_or_404(db_session: AsyncSession, item_id: int) -> AgendaItem:
    try:
        return await service.item_or_refuse(db_session, item_id)
    except NotFound:
        raise NotFoundException("no such agenda item") from None
