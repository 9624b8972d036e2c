"""A delivery is sent to the address its host name was checked at, not to a second lookup
that could answer with an address inside (DNS rebinding)."""

from __future__ import annotations

import pytest

from registry.webhooks.delivery import Pinned, pinned, post
from registry.webhooks.models import FailureReason
from tests.helpers.receiver import receiver

NAME = "hooks.example.org"


@pytest.mark.parametrize(
    ("url", "address", "expected"),
    [
        (
            "https://hooks.example.org:8443/in?x=1",
            "203.0.113.5",
            Pinned(
                "https://203.0.113.5:8443/in?x=1", "hooks.example.org:8443", "hooks.example.org"
            ),
        ),
        (
            "https://hooks.example.org/in",
            "2001:db8::5",
            Pinned("https://[2001:db8::5]/in", NAME, NAME),
        ),
        (
            "http://hooks.example.org/in",
            "203.0.113.5",
            Pinned("http://203.0.113.5/in", "hooks.example.org"),
        ),
        ("https://hooks.example.org/in", None, Pinned("https://hooks.example.org/in")),
        ("https://203.0.113.5/in", "203.0.113.5", Pinned("https://203.0.113.5/in")),
    ],
)
def test_the_request_names_the_host_and_goes_to_the_checked_address(
    url: str, address: str | None, expected: Pinned
) -> None:
    assert pinned(url, address) == expected


async def test_a_pinned_delivery_reaches_the_address_whatever_the_name_resolves_to() -> None:
    """The name is one that does not resolve to this machine (.invalid never resolves): only
    a request sent to the checked address reaches the receiver, asking for the name."""
    with receiver() as hooks:
        port = int(hooks.url.rsplit(":", 1)[1])
        status, error = await post(
            pinned(f"http://hooks.registry.invalid:{port}/hook", "127.0.0.1"),
            "geheim",
            b'{"event": "test"}',
            "evt-1",
            5,
        )
        unpinned, why = await post(
            pinned(f"http://hooks.registry.invalid:{port}/hook", None), "geheim", b"{}", "evt-2", 5
        )
    assert (status, error) == (204, None)
    (received,) = hooks.at("/hook")
    assert received.host == f"hooks.registry.invalid:{port}"
    assert received.event_id == "evt-1"
    assert received.signed_by("geheim")
    assert unpinned is None
    assert why is not None
    assert why.reason is FailureReason.COULD_NOT_CONNECT
    assert why.detail.startswith("ConnectError: ")
