"""The pure part of the webhooks: who receives which event, the signature (also as the
README's example checks it) and the subscriber's URL."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from registry.settings import PROJECT_ROOT
from registry.webhooks.errors import WebhookRefusal
from registry.webhooks.events import (
    TOLERANCE_SECONDS,
    EventType,
    receives,
    sign,
    url_problem,
    verify,
)

ALL = frozenset(EventType)


def test_private_events_reach_only_the_members_own_subscribers() -> None:
    assert receives(EventType.INVOICE_PAID, 7, ALL, 7)
    assert not receives(EventType.INVOICE_PAID, 7, ALL, 8)
    assert not receives(EventType.INVOICE_ISSUED, 7, ALL, None)  # another catalogue
    assert receives(EventType.APPLICATION_CHANGED, None, ALL, 8)
    assert receives(EventType.ADOPTION_STAGE_CHANGED, 7, ALL, None)
    assert not receives(
        EventType.APPLICATION_CHANGED, None, ALL - {EventType.APPLICATION_CHANGED}, 8
    )


def test_the_signature_is_stripes_scheme() -> None:
    body = b'{"id":"evt_1"}'
    header = sign("whsec_k", 1_700_000_000, body)
    digest = hmac.new(b"whsec_k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={digest}"
    assert verify("whsec_k", header, body, 1_700_000_000 + TOLERANCE_SECONDS)
    assert not verify("whsec_k", header, body, 1_700_000_000 + TOLERANCE_SECONDS + 1)
    assert not verify("whsec_other", header, body, 1_700_000_000)
    assert not verify("whsec_k", header, body + b" ", 1_700_000_000)
    assert not verify("whsec_k", "v1=" + digest, body, 1_700_000_000)


def test_the_readmes_example_verifies_a_delivery() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    example = re.search(r"```python\n(import hashlib, hmac, time\n.*?)```", readme, re.S)
    assert example is not None
    assert len([line for line in example.group(1).splitlines() if line.strip()]) <= 11
    names: dict[str, object] = {}
    exec(example.group(1), names)
    check = names["verify"]
    import time

    now = int(time.time())
    body = b'{"type":"invoice.paid","data":{"due":"12.50"}}'
    assert check("whsec_k", sign("whsec_k", now, body), body)  # type: ignore[operator]
    assert not check("whsec_x", sign("whsec_k", now, body), body)  # type: ignore[operator]
    assert not check("whsec_k", sign("whsec_k", now - 3600, body), body)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("url", "dev_mode", "problem"),
    [
        ("https://hooks.example.org/registry", False, None),
        ("http://hooks.example.org/registry", True, WebhookRefusal.URL_NOT_HTTPS),
        ("http://127.0.0.1:8080/hook", True, None),
        ("http://localhost/hook", True, None),
        ("http://[::1]:8080/hook", True, None),
        ("http://127.0.0.1:8080/hook", False, WebhookRefusal.URL_NOT_HTTPS),
        ("ftp://hooks.example.org", False, WebhookRefusal.URL_NOT_HTTPS),
        ("https://user:secret@hooks.example.org", False, WebhookRefusal.URL_INVALID),
        ("https://hooks.example.org:99999", False, WebhookRefusal.URL_INVALID),
        ("https://", False, WebhookRefusal.URL_INVALID),
        ("https://10.1.2.3/hook", False, WebhookRefusal.URL_NOT_PUBLIC),
        ("https://169.254.169.254/latest", False, WebhookRefusal.URL_NOT_PUBLIC),
        ("https://[::1]/hook", False, WebhookRefusal.URL_NOT_PUBLIC),
        ("https://localhost/hook", False, WebhookRefusal.URL_NOT_PUBLIC),
        ("https://192.168.1.10/hook", True, None),
        ("https://" + "a" * 500 + ".org", False, WebhookRefusal.URL_TOO_LONG),
    ],
)
def test_the_url(url: str, dev_mode: bool, problem: WebhookRefusal | None) -> None:
    assert url_problem(url, dev_mode) is problem
