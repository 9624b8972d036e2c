"""Every request has an id: in the X-Request-ID header, on every log line and on error pages;
the logs never carry cookies, bearer tokens or other secrets."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from litestar import get
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.web.access import audience
from tests.helpers.pages import SESSION_SECRET, dev_settings

COOKIE_VALUE = "cookie-secret-Zq7Lm2Np9Rt4"
BEARER = "bearer-secret-Wx3Vb8Kc5Hj1"


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged() -> Iterator[Records]:
    """Every record that reaches the root logger's handlers, after the app configured them."""
    records = Records()
    root = logging.getLogger()
    yield records
    root.removeHandler(records)


def listen(records: Records) -> logging.Formatter:
    """Starts collecting (after the app configured logging) and returns the app's formatter."""
    root = logging.getLogger()
    (configured,) = [h for h in root.handlers if h is not records]
    root.addHandler(records)
    assert configured.formatter is not None
    return configured.formatter


@get("/kapot", sync_to_thread=False, opt=audience())
def broken() -> str:
    raise RuntimeError("a bug, not a refusal")


async def test_a_valid_incoming_id_is_kept_and_an_invalid_one_replaced(db_url: str) -> None:
    async with AsyncTestClient(create_app(dev_settings(db_url))) as client:
        kept = await client.get("/", headers={"X-Request-ID": "lb-2026.12_07-abc"})
        replaced = await client.get("/", headers={"X-Request-ID": "<script>" + "x" * 200})
        made = await client.get("/")
        other = await client.get("/")
    assert kept.headers["x-request-id"] == "lb-2026.12_07-abc"
    assert "<" not in replaced.headers["x-request-id"]
    assert len(replaced.headers["x-request-id"]) == 32
    assert made.headers["x-request-id"] != other.headers["x-request-id"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [("nl", "Noem dan dit kenmerk: {id}"), ("en", "Please quote this reference: {id}")],
)
async def test_error_pages_show_the_request_id(db_url: str, lang: str, text: str) -> None:
    app = create_app(dev_settings(db_url, dev_mode=False, dev_login=False))
    app.register(broken)
    async with AsyncTestClient(app) as client:
        for path, status in (("/bestaat-niet", 404), ("/kapot", 500)):
            response = await client.get(
                f"{path}?lang={lang}", headers={"X-Request-ID": f"vraag-{status}"}
            )
            assert response.status_code == status
            assert response.headers["x-request-id"] == f"vraag-{status}"
            assert text.format(id=f"vraag-{status}") in response.text
    assert "a bug" not in response.text


async def test_json_logs_carry_the_request_id_and_no_secrets(db_url: str, logged: Records) -> None:
    settings = dev_settings(
        db_url, dev_mode=False, dev_login=False, log_format="json", session_secret=SESSION_SECRET
    )
    app = create_app(settings)
    app.register(broken)
    async with AsyncTestClient(app) as client:
        formatter = listen(logged)
        client.cookies.set("registry_session", COOKIE_VALUE)
        headers = {"Authorization": f"Bearer {BEARER}", "X-Request-ID": "log-test-1"}
        api = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
        page = await client.get("/kapot?token=" + BEARER, headers={"X-Request-ID": "log-test-2"})
    assert api.status_code == 401
    assert page.status_code == 500
    # What the server logged (the test's own HTTP client logs the URL it asked for).
    lines = [formatter.format(r) for r in logged.records if not r.name.startswith("httpx")]
    objects = [json.loads(line) for line in lines]
    ours = [o for o in objects if o["logger"].startswith("registry")]
    assert {o["request_id"] for o in ours} == {"log-test-1", "log-test-2"}
    # One line per request, with the route and never the query string.
    requests = [o for o in ours if o["logger"] == "registry.requests"]
    assert [(o["method"], o["route"], o["status"]) for o in requests] == [
        ("POST", "/graphql", 401),
        ("GET", "/kapot", 500),
    ]
    failure = next(o for o in ours if o["level"] == "ERROR")
    assert failure["request_id"] == "log-test-2"
    assert "a bug, not a refusal" in failure["exc_info"]
    everything = "\n".join(lines)
    assert COOKIE_VALUE not in everything
    assert BEARER not in everything
    assert "registry_session" not in everything
    assert "Bearer" not in everything


async def test_text_logs_carry_the_request_id(db_url: str, logged: Records) -> None:
    async with AsyncTestClient(create_app(dev_settings(db_url))) as client:
        formatter = listen(logged)
        await client.get("/bestaat-niet", headers={"X-Request-ID": "tekst-1"})
    lines = [formatter.format(r) for r in logged.records if r.name.startswith("registry")]
    assert lines
    assert all("[tekst-1]" in line for line in lines)
