"""Outgoing webhooks, the pure part: the events, who may receive them, the signature and the
subscriber's URL. No I/O, no clock: the caller passes the time."""

from __future__ import annotations

import enum
import hashlib
import hmac
import ipaddress
from urllib.parse import urlsplit

from registry.webhooks.errors import WebhookRefusal

URL_MAX_LENGTH = 500
"""The longest URL a subscriber registers."""

PAYLOAD_MAX_BYTES = 64 * 1024
"""The largest body one delivery sends; a larger event is not stored (it would be refused)."""

SIGNATURE_HEADER = "Registry-Signature"
EVENT_ID_HEADER = "Registry-Event-Id"

TOLERANCE_SECONDS = 300
"""How old a signed timestamp a receiver should accept (against replayed requests)."""


class EventType(enum.StrEnum):
    APPLICATION_PUBLISHED = "application.published"
    APPLICATION_CHANGED = "application.changed"
    ADOPTION_STAGE_CHANGED = "adoption.stage_changed"
    INVOICE_ISSUED = "invoice.issued"
    INVOICE_PAID = "invoice.paid"


PRIVATE = frozenset({EventType.INVOICE_ISSUED, EventType.INVOICE_PAID})
"""Events about one member that only that member's subscribers receive."""


def receives(
    event: EventType,
    event_member_id: int | None,
    wanted: frozenset[EventType],
    subscriber_member_id: int | None,
) -> bool:
    """Whether a subscriber (of a member, or of none: another catalogue) gets an event: it
    asked for it, and a private event is about the subscriber's own member."""
    if event not in wanted:
        return False
    if event in PRIVATE:
        return subscriber_member_id is not None and subscriber_member_id == event_member_id
    return True


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Registry-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`
    (Stripe's scheme)."""
    digest = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, now: int) -> bool:
    """What a receiver checks: a v1 signature of the body with the timestamp, not older (or
    newer) than `TOLERANCE_SECONDS`."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, timestamp, body).split(",v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def internal(host: str) -> bool:
    """An address of this machine or a private network, written as such (a name is not
    resolved here)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def url_problem(url: str, dev_mode: bool) -> WebhookRefusal | None:
    """Why a subscriber's URL is refused, or None: HTTPS to a host (plain HTTP only to this
    machine, and only in development mode; outside it no address of this machine or a
    private network), no user name or password in it."""
    if len(url) > URL_MAX_LENGTH:
        return WebhookRefusal.URL_TOO_LONG
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  an invalid port raises
    except ValueError:
        return WebhookRefusal.URL_INVALID
    if not host or parts.username or parts.password or any(c.isspace() for c in url):
        return WebhookRefusal.URL_INVALID
    if parts.scheme == "http" and dev_mode and _loopback(host):
        return None
    if parts.scheme != "https":
        return WebhookRefusal.URL_NOT_HTTPS
    if not dev_mode and internal(host):
        return WebhookRefusal.URL_NOT_PUBLIC
    return None
