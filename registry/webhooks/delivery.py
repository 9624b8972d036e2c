"""Sending one delivery: POST the stored body, signed, and log the attempt."""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.db import transaction
from registry.kit.types import utcnow
from registry.webhooks.events import EVENT_ID_HEADER, SIGNATURE_HEADER, internal, sign
from registry.webhooks.failures import (
    NoAnswer,
    internal_address,
    transport_failure,
    unknown_host,
)
from registry.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscriber,
)

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; the job queue tries again."""


async def deliver(
    factory: async_sessionmaker[AsyncSession],
    delivery_id: int,
    *,
    final: bool,
    wait_seconds: float,
    internal_allowed: bool,
) -> None:
    """Send a pending delivery once; a delivered (or deleted) one is left alone. A failure
    is logged as an attempt and raised, or, when `final`, stored as failed. Unless
    `internal_allowed` (development), a host name that resolves to an address of this machine
    or a private network is refused before anything is sent."""
    async with factory() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status is not DeliveryStatus.PENDING:
            return
        subscriber = await session.get(WebhookSubscriber, delivery.subscriber_id)
        if subscriber is None:
            return
        url, secret = subscriber.url, subscriber.secret
        body, event_id = delivery.payload.encode(), delivery.event_id
    address, no_answer = await _address_to_send_to(url, internal_allowed)
    status_code = None
    if no_answer is None:
        status_code, no_answer = await post(
            pinned(url, address), secret, body, event_id, wait_seconds
        )
    ok = status_code is not None and 200 <= status_code < 300
    async with transaction(factory) as session:
        delivery = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if delivery is None:
            return
        delivery.attempts += 1
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                status_code=status_code,
                reason=no_answer.reason if no_answer else None,
                error=no_answer.detail if no_answer else None,
            )
        )
        if ok:
            delivery.status = DeliveryStatus.DELIVERED
        elif final:
            delivery.status = DeliveryStatus.FAILED
    if not ok:
        why = status_code or (f"{no_answer.reason}: {no_answer.detail}" if no_answer else None)
        logger.warning("webhook delivery %s failed: %s", delivery_id, why)
        raise DeliveryFailed(f"delivery {delivery_id}: {why}")


@dataclass(frozen=True, slots=True)
class Pinned:
    """A request to a URL sent to the address its host name was checked at: the URL with
    that address, the name in the Host header and, for https, in the TLS server name (so the
    certificate is still checked against the name)."""

    url: str
    host_header: str | None = None
    server_name: str | None = None


def pinned(url: str, address: str | None) -> Pinned:
    """`url` sent to `address` (None: to whatever its host name resolves to when sent)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if address is None or address == host:
        return Pinned(url)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    named = f"[{host}]" if ":" in host else host
    return Pinned(
        urlunsplit(parts._replace(netloc=netloc)),
        f"{named}:{parts.port}" if parts.port else named,
        host if parts.scheme == "https" else None,
    )


async def post(
    request: Pinned, secret: str, body: bytes, event_id: str, wait_seconds: float
) -> tuple[int | None, NoAnswer | None]:
    """(the receiver's status code, or why there is none)."""
    import httpx  # here: the service starts without it (see tests/test_startup.py)

    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, int(utcnow().timestamp()), body),
        EVENT_ID_HEADER: event_id,
    }
    if request.host_header is not None:
        headers["Host"] = request.host_header
    extensions = {"sni_hostname": request.server_name} if request.server_name else None
    try:
        async with httpx.AsyncClient(timeout=wait_seconds, follow_redirects=False) as client:
            answer = await client.post(
                request.url, content=body, headers=headers, extensions=extensions
            )
    except httpx.HTTPError as failure:
        return None, transport_failure(failure)
    return answer.status_code, None


async def _address_to_send_to(
    url: str, internal_allowed: bool
) -> tuple[str | None, NoAnswer | None]:
    """(the address the URL's host name resolves to now, why it may not be sent to).

    An address of this machine or a private network is refused (the subscription refuses
    such addresses only when they are written as such), and the request is sent to the
    address checked, not to a second lookup, so a name that resolves elsewhere by the time of
    sending (DNS rebinding) cannot take it inside. In development (`internal_allowed`) nothing
    is checked or pinned. A name that does not resolve is not sent to, in development too."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            host, parts.port or 443, type=socket.SOCK_STREAM
        )
    except socket.gaierror as failure:
        return None, unknown_host(host, failure)
    except OSError:
        return None, None
    if internal_allowed:
        return None, None
    addresses = [str(address[0]).split("%", 1)[0] for *_, address in found]
    for ip in addresses:
        if internal(ip):
            return None, internal_address(host, ip)
    return (addresses[0] if addresses else None), None
