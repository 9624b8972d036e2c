"""Outgoing webhooks on the pages: a member's subscribers for its admins (and the directie),
at /leden/{code}/webhooks, and the directie's subscribers of no member (other catalogues) at
/webhooks. Register one (the secret shown once), delete one after a confirmation, read its
deliveries with every attempt and send one again. Writes through the services of the API's
`subscriberCreate`, `subscriberDelete` and `deliveryReplay`, audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.kit.errors import FieldError, NotFound, ValidationFailed
from registry.kit.labels import label
from registry.members.models import Member
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit, member_or_404
from registry.web.forms import Flash, notice_for, redirect_with, shown_again, submit
from registry.web.pages import render
from registry.webhooks import service
from registry.webhooks.events import EventType
from registry.webhooks.models import WebhookSubscriber

NOTICE_KEY = "webhook_notice"
MEMBER = audience(Permission.WEBHOOKS_MANAGE, member_param="code")
DIRECTIE = audience(Permission.WEBHOOKS_MANAGE)


def _base(member: Member | None) -> str:
    return f"/leden/{member.code}/webhooks" if member else "/webhooks"


def _active(member: Member | None) -> str:
    return "mine" if member else "members"


async def _member(db_session: AsyncSession, code: str | None) -> Member | None:
    return await member_or_404(db_session, code) if code is not None else None


async def _subscriber(visit: Visit, member: Member | None, subscriber_id: int) -> WebhookSubscriber:
    """The subscriber on this page's member (or of none); any other is not here (404)."""
    try:
        subscriber = await service.subscriber_or_refuse(visit.db, visit.actor, subscriber_id)
    except NotFound:
        raise NotFoundException(f"no webhook {subscriber_id}") from None
    if subscriber.member_id != (member.id if member else None):
        raise NotFoundException(f"no webhook {subscriber_id}")
    return subscriber


async def _index(
    visit: Visit,
    member: Member | None,
    *,
    values: dict[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    rows = [
        s
        for s in await service.subscribers(visit.db, visit.actor)
        if s.member_id == (member.id if member else None)
    ]
    return render(
        visit.request,
        "webhooks/index.html",
        {
            "active_page": _active(member),
            "member": member,
            "base": _base(member),
            "subscribers": [(s, sorted(service.wanted(s))) for s in rows],
            "events": [(e.value, label(e, visit.language)) for e in EventType],
            "values": values or {"url": "", "gebeurtenissen": []},
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE_KEY, errors),
        },
        status_code=status_code,
    )


async def _create(visit: Visit, member: Member | None) -> Response[Any]:
    form = await visit.request.form()
    values: dict[str, Any] = {
        "url": str(form.get("url") or "").strip(),
        "gebeurtenissen": [str(e) for e in form.getall("gebeurtenissen")]
        if "gebeurtenissen" in form
        else [],
    }
    settings = visit.settings
    data = service.SubscriberInput(
        values["url"], values["gebeurtenissen"], member.code if member else None
    )
    try:
        subscriber, secret = await service.create_subscriber(
            visit.db,
            visit.actor,
            data,
            dev_mode=settings.dev_mode,
            per_member=settings.webhook_subscribers_per_member,
        )
    except ValidationFailed as failed:
        code = member.code if member else None
        await visit.db.rollback()
        member = await _member(visit.db, code)
        return await _index(visit, member, values=values, errors=failed.errors, status_code=422)
    return render(
        visit.request,
        "webhooks/created.html",
        {
            "active_page": _active(member),
            "member": member,
            "base": _base(member),
            "subscriber": subscriber,
            "secret": secret,
        },
    )


async def _delete(visit: Visit, member: Member | None, subscriber_id: int) -> Response[Any]:
    subscriber = await _subscriber(visit, member, subscriber_id)
    if (await visit.request.form()).get("bevestigd") != "ja":
        return render(
            visit.request,
            "webhooks/confirm.html",
            {
                "active_page": _active(member),
                "member": member,
                "base": _base(member),
                "subscriber": subscriber,
            },
        )
    url = subscriber.url
    return await submit(
        visit,
        lambda: service.delete_subscriber(visit.db, visit.actor, subscriber_id),
        lambda _: Flash(NOTICE_KEY, url, _base(member)),
        shown_again(_index, visit, member),
        missing_is_404=True,
    )


async def _deliveries(visit: Visit, member: Member | None, subscriber_id: int) -> Response[Any]:
    subscriber = await _subscriber(visit, member, subscriber_id)
    rows = await service.deliveries(visit.db, visit.actor, subscriber_id)
    return render(
        visit.request,
        "webhooks/deliveries.html",
        {
            "active_page": _active(member),
            "member": member,
            "base": _base(member),
            "subscriber": subscriber,
            "deliveries": [(d, EventType(d.event_type)) for d in rows],
            "notice": notice_for(visit, NOTICE_KEY),
        },
    )


async def _replay(
    visit: Visit, member: Member | None, subscriber_id: int, delivery_id: int
) -> Response[Any]:
    await _subscriber(visit, member, subscriber_id)
    page = f"{_base(member)}/{subscriber_id}"
    try:
        delivery = await service.replay(visit.db, visit.actor, delivery_id)
    except NotFound:
        raise NotFoundException(f"no delivery {delivery_id}") from None
    if delivery.subscriber_id != subscriber_id:
        raise NotFoundException(f"no delivery {delivery_id}")
    return redirect_with(visit.request, Flash(NOTICE_KEY, delivery.event_id, page))


class MemberWebhookPagesController(Controller):
    path = "/leden/{code:str}/webhooks"
    include_in_schema = False

    @get("/", name="member-webhooks", opt=MEMBER)
    async def index(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _index(visit, await _member(visit.db, code))

    @post("/", name="member-webhook-create", opt=MEMBER)
    async def create(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _create(visit, await _member(visit.db, code))

    @get("/{subscriber_id:int}", name="member-webhook", opt=MEMBER)
    async def deliveries(
        self, visit: CurrentVisit, code: FromPath[str], subscriber_id: FromPath[int]
    ) -> Response[Any]:
        member = await _member(visit.db, code)
        return await _deliveries(visit, member, subscriber_id)

    @post("/{subscriber_id:int}/verwijderen", name="member-webhook-delete", opt=MEMBER)
    async def delete(
        self, visit: CurrentVisit, code: FromPath[str], subscriber_id: FromPath[int]
    ) -> Response[Any]:
        member = await _member(visit.db, code)
        return await _delete(visit, member, subscriber_id)

    @post(
        "/{subscriber_id:int}/verzendingen/{delivery_id:int}/opnieuw",
        name="member-webhook-replay",
        opt=MEMBER,
    )
    async def replay(
        self,
        visit: CurrentVisit,
        code: FromPath[str],
        subscriber_id: FromPath[int],
        delivery_id: FromPath[int],
    ) -> Response[Any]:
        member = await _member(visit.db, code)
        return await _replay(visit, member, subscriber_id, delivery_id)


class CatalogueWebhookPagesController(Controller):
    """The directie's subscribers of no member: other catalogues and harvesters."""

    path = "/webhooks"
    include_in_schema = False

    @get("/", name="webhooks", opt=DIRECTIE)
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _index(visit, None)

    @post("/", name="webhook-create", opt=DIRECTIE)
    async def create(self, visit: CurrentVisit) -> Response[Any]:
        return await _create(visit, None)

    @get("/{subscriber_id:int}", name="webhook", opt=DIRECTIE)
    async def deliveries(self, visit: CurrentVisit, subscriber_id: FromPath[int]) -> Response[Any]:
        return await _deliveries(visit, None, subscriber_id)

    @post("/{subscriber_id:int}/verwijderen", name="webhook-delete", opt=DIRECTIE)
    async def delete(self, visit: CurrentVisit, subscriber_id: FromPath[int]) -> Response[Any]:
        return await _delete(visit, None, subscriber_id)

    @post(
        "/{subscriber_id:int}/verzendingen/{delivery_id:int}/opnieuw",
        name="webhook-replay",
        opt=DIRECTIE,
    )
    async def replay(
        self, visit: CurrentVisit, subscriber_id: FromPath[int], delivery_id: FromPath[int]
    ) -> Response[Any]:
        return await _replay(visit, None, subscriber_id, delivery_id)
