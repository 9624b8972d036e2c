"""Why a delivery got no answer, stored with each attempt: sent for real by `deliver` to a
receiver on loopback that never answers, to a port nothing listens on, and (outside
development) to a host name of this machine; the reason decided from the failure alone, with
the technical detail kept beside it. An attempt stored before the reasons reads as "other"."""

from __future__ import annotations

import socket

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import registry.labels  # noqa: F401  every domain's labels declared
from registry.kit.labels import label
from registry.webhooks.failures import (
    NoAnswer,
    internal_address,
    transport_failure,
    unknown_host,
)
from registry.webhooks.models import FailureReason, WebhookAttempt
from tests.helpers.receiver import receiver
from tests.webhooks.attempts import attempt, delivery_to, nothing_listening, silent_receiver

WAIT_SECONDS = 0.5
"""How long the receiver that never answers is waited for (the setting, not an assertion)."""


async def test_a_receiver_that_does_not_answer_in_time_is_timed_out(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    with silent_receiver() as url:
        _, delivery = await delivery_to(session_factory, url)
        tried = await attempt(session_factory, delivery, wait_seconds=WAIT_SECONDS)
    assert tried.status_code is None
    assert tried.reason is FailureReason.TIMED_OUT
    assert tried.failure is FailureReason.TIMED_OUT
    assert tried.error is not None
    assert tried.error.startswith("ReadTimeout")


async def test_a_port_nothing_listens_on_could_not_be_connected_to(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    _, delivery = await delivery_to(session_factory, nothing_listening())
    tried = await attempt(session_factory, delivery)
    assert tried.status_code is None
    assert tried.reason is FailureReason.COULD_NOT_CONNECT
    assert tried.error is not None
    assert tried.error.startswith("ConnectError: ")


@pytest.mark.parametrize("internal_allowed", [True, False])
async def test_a_host_name_that_does_not_resolve_is_not_sent_to(
    session_factory: async_sessionmaker[AsyncSession], internal_allowed: bool
) -> None:
    """`.invalid` never resolves (RFC 6761); in development as outside it."""
    host = "hooks.registry-test.invalid"
    _, delivery = await delivery_to(session_factory, f"https://{host}/hook")
    tried = await attempt(session_factory, delivery, internal_allowed=internal_allowed)
    assert tried.status_code is None
    assert tried.reason is FailureReason.UNKNOWN_HOST
    assert tried.error is not None
    assert tried.error.startswith(f"{host}: [Errno ")


async def test_outside_development_a_name_of_this_machine_is_refused_before_sending(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    with receiver() as web:
        port = web.url.rsplit(":", 1)[1]
        _, delivery = await delivery_to(session_factory, f"http://localhost:{port}/hook")
        tried = await attempt(session_factory, delivery, internal_allowed=False)
        assert web.requests == []
    assert tried.status_code is None
    assert tried.reason is FailureReason.INTERNAL_ADDRESS
    assert tried.error in {"localhost → 127.0.0.1", "localhost → ::1"}


async def test_an_answer_has_its_status_and_no_reason(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    with receiver() as web:
        web.failures["/hook"] = 1
        _, delivery = await delivery_to(session_factory, f"{web.url}/hook")
        failed = await attempt(session_factory, delivery)
        delivered = await attempt(session_factory, delivery)
    assert (failed.status_code, failed.reason, failed.failure, failed.error) == (
        500,
        None,
        None,
        None,
    )
    assert (delivered.status_code, delivered.reason, delivered.failure) == (204, None, None)


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (
            httpx.ConnectTimeout("timed out"),
            NoAnswer(FailureReason.TIMED_OUT, "ConnectTimeout: timed out"),
        ),
        (httpx.ReadTimeout(""), NoAnswer(FailureReason.TIMED_OUT, "ReadTimeout")),
        (
            httpx.PoolTimeout("no connection"),
            NoAnswer(FailureReason.TIMED_OUT, "PoolTimeout: no connection"),
        ),
        (
            httpx.ConnectError("[Errno 111] Connection refused"),
            NoAnswer(
                FailureReason.COULD_NOT_CONNECT, "ConnectError: [Errno 111] Connection refused"
            ),
        ),
        (
            httpx.RemoteProtocolError("Server disconnected"),
            NoAnswer(FailureReason.OTHER, "RemoteProtocolError: Server disconnected"),
        ),
        (httpx.ReadError("reset"), NoAnswer(FailureReason.OTHER, "ReadError: reset")),
        (
            httpx.ConnectError("x" * 600),
            NoAnswer(FailureReason.COULD_NOT_CONNECT, ("ConnectError: " + "x" * 600)[:500]),
        ),
    ],
)
def test_the_reason_follows_from_the_failure(failure: httpx.HTTPError, expected: NoAnswer) -> None:
    assert transport_failure(failure) == expected


def test_a_refused_address_names_the_host_and_where_it_resolved() -> None:
    assert internal_address("hooks.example.org", "10.0.0.7") == NoAnswer(
        FailureReason.INTERNAL_ADDRESS, "hooks.example.org → 10.0.0.7"
    )
    assert internal_address("127.0.0.1", "127.0.0.1").detail == "127.0.0.1"


def test_an_unknown_host_names_the_host_and_the_resolver_s_answer() -> None:
    failure = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert unknown_host("hooks.example.org", failure) == NoAnswer(
        FailureReason.UNKNOWN_HOST, "hooks.example.org: [Errno -2] Name or service not known"
    )


def test_an_attempt_stored_before_the_reasons_reads_as_other() -> None:
    old = WebhookAttempt(
        status_code=None,
        reason=None,
        error="refused: hooks.example.org resolves to 10.0.0.7, an address of this machine",
    )
    assert old.failure is FailureReason.OTHER
    assert WebhookAttempt(status_code=503, reason=None, error=None).failure is None


def test_every_reason_reads_in_dutch_and_english() -> None:
    assert label(FailureReason.TIMED_OUT, "nl") == "Verbinding verlopen"
    assert label(FailureReason.TIMED_OUT, "en") == "Connection timed out"
    refused_nl = label(FailureReason.INTERNAL_ADDRESS, "nl")
    refused_en = label(FailureReason.INTERNAL_ADDRESS, "en")
    assert "deze machine of een intern netwerk" in refused_nl
    assert "this machine or a private network" in refused_en
    assert label(FailureReason.UNKNOWN_HOST, "nl") == "Servernaam niet gevonden"
    for reason in FailureReason:
        assert label(reason, "nl") != label(reason, "en")
