"""Outgoing webhooks: subscribers (a member admin for its own member, the directie for any
member or none), their deliveries with every attempt, and replaying a delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from registry.auth.policy import Permission
from registry.graphql.attributes import from_attributes
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.mutating import Answer, acknowledge, act, act_on, answer
from registry.graphql.permissions import field_for, mutation
from registry.graphql.relay import known_id
from registry.kit.errors import NotFound
from registry.members.repository import member_by_code
from registry.webhooks import models, service
from registry.webhooks.errors import WebhookRefusal
from registry.webhooks.events import EventType

strawberry.enum(EventType, name="WebhookEvent")
strawberry.enum(models.DeliveryStatus, name="WebhookDeliveryStatus")
strawberry.enum(
    models.FailureReason,
    name="WebhookFailureReason",
    description="Why a delivery attempt got no answer from the receiver.",
)

MEMBER = Annotated[
    str | None,
    strawberry.argument(description="The subscriber's member (code); none for the directie's."),
]


@strawberry.type(description="A system that receives the registry's events at its URL.")
class WebhookSubscriber:
    id: strawberry.ID
    url: str
    events: list[EventType]
    created_at: datetime

    @classmethod
    def of(cls, row: models.WebhookSubscriber) -> WebhookSubscriber:
        return from_attributes(
            cls, row, id=strawberry.ID(str(row.id)), events=sorted(service.wanted(row))
        )


@strawberry.type(description="One attempt to send a delivery.")
class WebhookAttempt:
    attempted_at: datetime
    status_code: int | None = strawberry.field(description="The receiver's HTTP status.")
    reason: models.FailureReason | None = strawberry.field(
        description="Why no answer came; null when the receiver answered."
    )
    error: str | None = strawberry.field(
        description="The technical detail of why no answer came (the exception's text, or the "
        "host name with the refused address it resolved to)."
    )


@strawberry.type(description="One event sent to one subscriber, with every attempt.")
class WebhookDelivery:
    id: strawberry.ID
    event_id: str
    event_type: EventType
    status: models.DeliveryStatus
    attempts: list[WebhookAttempt]
    created_at: datetime
    payload: str = strawberry.field(description="The JSON body as sent.")

    @classmethod
    def of(cls, row: models.WebhookDelivery) -> WebhookDelivery:
        return from_attributes(
            cls,
            row,
            id=strawberry.ID(str(row.id)),
            event_type=EventType(row.event_type),
            attempts=[from_attributes(WebhookAttempt, t, reason=t.failure) for t in row.tries],
        )


@strawberry.input
class SubscriberInput:
    url: str = strawberry.field(
        description="Where the events are posted: https (http only to this machine in "
        "development mode)."
    )
    events: list[EventType]
    member: str | None = strawberry.field(
        default=None,
        description="The member whose system this is (code); invoice events only reach the "
        "member's own subscribers. None: another catalogue (the directie only).",
    )


@strawberry.type
class SubscriberCreatePayload:
    subscriber: WebhookSubscriber | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="Signs every delivery (Registry-Signature): shown only in this response.",
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class SubscriberDeletePayload:
    ok: bool = False
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class DeliveryReplayPayload:
    delivery: WebhookDelivery | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhooksQuery:
    @field_for(
        Permission.WEBHOOKS_MANAGE,
        "Webhook subscribers: the member's, or (the directie, without a member) all of them.",
        member_argument="member",
    )
    async def subscribers(self, info: Info, member: MEMBER = None) -> list[WebhookSubscriber]:
        async with info.context.db() as session:
            rows = await service.subscribers(session, info.context.actor)
        if member is not None:
            async with info.context.db() as session:
                found = await member_by_code(session, member)
            rows = [r for r in rows if found is not None and r.member_id == found.id]
        return [WebhookSubscriber.of(r) for r in rows]

    @field_for(
        Permission.WEBHOOKS_MANAGE,
        "A subscriber's newest deliveries (at most 100), each with its attempts.",
        member_argument="member",
    )
    async def deliveries(
        self, info: Info, subscriber: strawberry.ID, member: MEMBER = None
    ) -> list[WebhookDelivery]:
        try:
            async with info.context.db() as session:
                rows = await service.deliveries(
                    session,
                    info.context.actor,
                    known_id(subscriber, NotFound(WebhookRefusal.NO_SUBSCRIBER)),
                )
        except NotFound:
            return []
        return [WebhookDelivery.of(r) for r in rows]


@strawberry.type
class WebhooksMutation:
    @mutation(
        Permission.WEBHOOKS_MANAGE,
        "Register a webhook subscriber; its signing secret is shown only in the answer.",
        member_argument="input.member",
    )
    async def subscriber_create(
        self, info: Info, input: SubscriberInput
    ) -> SubscriberCreatePayload:
        settings = info.context.settings
        return await act(
            info,
            Answer(
                SubscriberCreatePayload,
                lambda made: SubscriberCreatePayload(
                    subscriber=WebhookSubscriber.of(made[0]), secret=made[1]
                ),
            ),
            service.create_subscriber,
            service.SubscriberInput(input.url, [e.value for e in input.events], input.member),
            dev_mode=settings.dev_mode,
            per_member=settings.webhook_subscribers_per_member,
        )

    @mutation(
        Permission.WEBHOOKS_MANAGE,
        "Delete a webhook subscriber with its deliveries; nothing more is sent to it.",
        member_argument="member",
    )
    async def subscriber_delete(
        self, info: Info, id: strawberry.ID, member: MEMBER = None
    ) -> SubscriberDeletePayload:
        return await act_on(
            info,
            acknowledge(SubscriberDeletePayload),
            service.delete_subscriber,
            id,
            NotFound(WebhookRefusal.NO_SUBSCRIBER),
        )

    @mutation(
        Permission.WEBHOOKS_MANAGE,
        "Send a delivery again: the same event id and body, signed anew.",
        member_argument="member",
    )
    async def delivery_replay(
        self, info: Info, id: strawberry.ID, member: MEMBER = None
    ) -> DeliveryReplayPayload:
        return await act_on(
            info,
            answer(DeliveryReplayPayload, "delivery", WebhookDelivery.of),
            service.replay,
            id,
            NotFound(WebhookRefusal.NO_DELIVERY),
        )
