"""Webhook subscribers in the API: a member admin registers its own member's, the secret is
shown once, the URL and the number of subscribers are limited, a member's deliveries are its
own, and a replay answers with the same event."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role, system_actor
from registry.catalogue.proposals import MaintenanceInput, maintain
from registry.db import transaction
from registry.webhooks.events import URL_MAX_LENGTH
from tests.helpers.graphql import GraphQLClient, grant, graphql_client
from tests.webhooks.attempts import OLD_DETAIL, failed_three_ways

pytestmark = pytest.mark.usefixtures("demo")

CREATE = """
mutation Create($input: SubscriberInput!) {
  subscriberCreate(input: $input) {
    subscriber { id url events }
    secret
    errors { field code message }
  }
}
"""
DELETE = (
    'mutation($id: ID!) { subscriberDelete(member: "woerden", id: $id) { ok errors { code } } }'
)
DELIVERIES = """
query Deliveries($member: String, $subscriber: ID!) {
  deliveries(member: $member, subscriber: $subscriber) {
    id eventId eventType status payload attempts { statusCode reason error }
  }
}
"""


@pytest.fixture
async def woerden(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[GraphQLClient]:
    """Woerden's member admin, on a service whose worker sends nothing for a while."""
    user_id = await grant(session_factory, Role.MEMBER_ADMIN, "woerden")
    async with graphql_client(db_url, user_id=user_id, job_retry_seconds=3600) as client:
        yield client


async def _create(api: GraphQLClient, **input_: object) -> dict[str, object]:
    result: dict[str, object] = (await api.data(CREATE, {"input": input_}))["subscriberCreate"]
    return result


async def test_a_member_admin_registers_its_members_subscriber_and_sees_the_secret_once(
    woerden: GraphQLClient,
) -> None:
    made = await _create(
        woerden, member="woerden", url="https://woerden.example/hook", events=["INVOICE_PAID"]
    )
    assert made["errors"] == []
    assert str(made["secret"]).startswith("whsec_")
    listed = (await woerden.data('{ subscribers(member: "woerden") { id url events } }'))[
        "subscribers"
    ]
    assert listed == [made["subscriber"]]
    assert "secret" not in str(listed)
    body = await woerden.execute(
        CREATE,
        {"input": {"member": "eindhoven", "url": "https://x.example", "events": ["INVOICE_PAID"]}},
    )
    assert body["errors"][0]["message"].startswith("not allowed")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://woerden.example/hook", "not_https"),
        ("http://127.0.0.1:9/hook", None),  # loopback in development mode
        ("https://" + "a" * URL_MAX_LENGTH + ".example", "too_long"),
        ("https://user:pw@woerden.example", "invalid_url"),
        ("woerden.example", "invalid_url"),
    ],
)
async def test_the_url_is_https_short_and_plain(
    woerden: GraphQLClient, url: str, code: str | None
) -> None:
    made = await _create(woerden, member="woerden", url=url, events=["INVOICE_PAID"])
    assert [e["code"] for e in made["errors"]] == ([code] if code else [])  # type: ignore[union-attr]


async def test_a_member_has_at_most_five_subscribers(woerden: GraphQLClient) -> None:
    for n in range(5):
        made = await _create(
            woerden, member="woerden", url=f"https://w.example/{n}", events=["INVOICE_ISSUED"]
        )
        assert made["errors"] == []
    refused = await _create(
        woerden, member="woerden", url="https://w.example/6", events=["INVOICE_ISSUED"]
    )
    assert [e["code"] for e in refused["errors"]] == ["too_many_subscribers"]  # type: ignore[union-attr]


async def test_deliveries_are_the_members_own_and_a_replay_keeps_the_event(
    db_url: str,
    woerden: GraphQLClient,
    api: GraphQLClient,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    own = await _create(
        woerden, member="woerden", url="https://woerden.example/h", events=["APPLICATION_CHANGED"]
    )
    theirs = await _create(
        api, member="eindhoven", url="https://eindhoven.example/h", events=["APPLICATION_CHANGED"]
    )
    async with transaction(session_factory) as session:
        await maintain(
            session,
            system_actor("test"),
            "subsidieportaal",
            MaintenanceInput("Subsidies aanvragen.", "Applying for grants.", None, ()),
        )
    own_id = own["subscriber"]["id"]  # type: ignore[index]
    (delivery,) = (await woerden.data(DELIVERIES, {"member": "woerden", "subscriber": own_id}))[
        "deliveries"
    ]
    assert delivery["eventType"] == "APPLICATION_CHANGED"
    assert '"slug":"subsidieportaal"' in delivery["payload"]
    # Another member's subscriber is not found for Woerden's admin.
    other = theirs["subscriber"]["id"]  # type: ignore[index]
    assert (await woerden.data(DELIVERIES, {"member": "woerden", "subscriber": other}))[
        "deliveries"
    ] == []
    replayed = await woerden.data(
        'mutation($id: ID!) { deliveryReplay(member: "woerden", id: $id) {'
        " delivery { eventId status } errors { code } } }",
        {"id": delivery["id"]},
    )
    assert replayed["deliveryReplay"]["errors"] == []
    assert replayed["deliveryReplay"]["delivery"]["eventId"] == delivery["eventId"]
    refused = await woerden.data(
        DELETE,
        {"id": other},
    )
    assert [e["code"] for e in refused["subscriberDelete"]["errors"]] == ["not_found"]
    deleted = await woerden.data(
        DELETE,
        {"id": own_id},
    )
    assert deleted["subscriberDelete"]["ok"] is True
    assert (await woerden.data('{ subscribers(member: "woerden") { id } }'))["subscribers"] == []


async def test_an_attempt_without_an_answer_gives_its_reason_and_the_detail(
    woerden: GraphQLClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """Sent for real: a port nothing listens on, then (outside development) refused as an
    address of this machine; an attempt stored before the reasons reads as OTHER."""
    subscriber, _ = await failed_three_ways(session_factory, "woerden")
    (shown,) = (
        await woerden.data(DELIVERIES, {"member": "woerden", "subscriber": str(subscriber)})
    )["deliveries"]
    assert shown["status"] == "FAILED"
    connect, refused, old = shown["attempts"]
    assert (connect["statusCode"], connect["reason"]) == (None, "COULD_NOT_CONNECT")
    assert connect["error"].startswith("ConnectError: ")
    assert refused == {"statusCode": None, "reason": "INTERNAL_ADDRESS", "error": "127.0.0.1"}
    assert old == {"statusCode": None, "reason": "OTHER", "error": OLD_DETAIL}
