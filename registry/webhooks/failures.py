"""Why a delivery attempt got no answer: a reason people read in Dutch or English (the labels
in registry/webhooks/labels.py) and the technical detail the receiver's developer needs (the
exception's text, the refused address), decided from the failure alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from registry.webhooks.models import DETAIL_MAX_LENGTH, FailureReason

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True, slots=True)
class NoAnswer:
    """Why an attempt got no answer, and the detail shown after the reason."""

    reason: FailureReason
    detail: str


def transport_failure(failure: httpx.HTTPError) -> NoAnswer:
    """The reason of a request that failed before an answer came, by the exception's type."""
    import httpx  # here: the service starts without it (see tests/test_startup.py)

    if isinstance(failure, httpx.TimeoutException):
        reason = FailureReason.TIMED_OUT
    elif isinstance(failure, httpx.ConnectError):
        reason = FailureReason.COULD_NOT_CONNECT
    else:
        reason = FailureReason.OTHER
    name, text = type(failure).__name__, str(failure)
    return NoAnswer(reason, (f"{name}: {text}" if text else name)[:DETAIL_MAX_LENGTH])


def unknown_host(host: str, failure: OSError) -> NoAnswer:
    """A host name the name servers did not resolve: not sent; the detail names the host and
    the resolver's answer."""
    return NoAnswer(FailureReason.UNKNOWN_HOST, f"{host}: {failure}"[:DETAIL_MAX_LENGTH])


def internal_address(host: str, address: str) -> NoAnswer:
    """A host name that resolved to an address of this machine or a private network: not
    sent; the detail names the host and the address it resolved to."""
    detail = address if host == address else f"{host} → {address}"
    return NoAnswer(FailureReason.INTERNAL_ADDRESS, detail[:DETAIL_MAX_LENGTH])
