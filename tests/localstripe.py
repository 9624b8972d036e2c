"""localstripe for the payment tests: the Stripe API emulated on loopback, for real.

localstripe keeps its objects in memory, serves the API under /v1 and POSTs signed events
(``Stripe-Signature: t=...,v1=...``, one second after they happen) to every webhook
registered with ``POST /_config/webhooks/{id}`` {url, secret, events}. It is started once per
session with --from-scratch, so nothing from an earlier run is loaded (it still pickles its
store to /tmp/localstripe.pickle after every write; nothing here reads that file).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe
from aiohttp import ClientSession, web

from registry.billing.stripe_gateway import StripeGateway
from tests.helpers.ports import free_port

API_KEY = "sk_test_12345"
PUBLISHABLE_KEY = "pk_test_12345"
WEBHOOK_SECRET = "whsec_registry_tests"
WEBHOOK_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed"]


@dataclass(frozen=True)
class Localstripe:
    url: str

    def gateway(
        self, *, webhook_secret: str | None = WEBHOOK_SECRET, api_base: str | None = None
    ) -> StripeGateway:
        """A gateway on this localstripe, or on api_base (a proxy, a dead port) instead."""
        return StripeGateway(
            api_key=API_KEY,
            webhook_secret=webhook_secret,
            publishable_key=PUBLISHABLE_KEY,
            api_base=api_base or self.url,
            js_url=f"{self.url}/js.stripe.com/v3/",
        )


def _serving(process: subprocess.Popen[bytes], url: str) -> bool:
    """Whether localstripe answers, rather than exiting (its port was taken meanwhile)."""
    deadline = time.monotonic() + 20
    while process.poll() is None and time.monotonic() < deadline:
        try:
            return httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200
        except httpx.TransportError:
            time.sleep(0.1)
    return False


def _wait_until_serving(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"localstripe exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"localstripe did not answer on {url} within 20 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Localstripe]:
    """A localstripe process on a free loopback port, stopped after the session."""
    workdir = tmp_path_factory.mktemp("localstripe")
    log = workdir / "localstripe.log"
    for attempt in range(3):  # a test in another worker may take the free port first
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "localstripe", "--from-scratch", "--port", str(port)],
                cwd=workdir,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        if attempt == 2 or _serving(process, url) or process.poll() is None:
            break  # serving, or still starting: _wait_until_serving decides
    try:
        _wait_until_serving(process, url, log)
        yield Localstripe(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def closed_url() -> str:
    """A loopback URL where nothing listens: the port was free a moment ago."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def gateway(localstripe: Localstripe) -> StripeGateway:
    return localstripe.gateway()


@pytest.fixture(scope="session")
def stripe_client(localstripe: Localstripe) -> stripe.StripeClient:
    """Plays the member's browser: pays PaymentIntents the way Stripe.js would."""
    return stripe.StripeClient(
        API_KEY, base_addresses={"api": localstripe.url}, http_client=stripe.HTTPXClient()
    )


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve an aiohttp app on a free loopback port of the test's own event loop."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@dataclass(frozen=True)
class Delivery:
    body: bytes
    signature: str | None

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class WebhookReceiver:
    """Collects every webhook delivery localstripe makes, as it arrived on the wire."""

    secret: str = WEBHOOK_SECRET
    deliveries: list[Delivery] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition, init=False)

    async def receive(self, request: web.Request) -> web.Response:
        delivery = Delivery(await request.read(), request.headers.get("Stripe-Signature"))
        async with self._arrived:
            self.deliveries.append(delivery)
            self._arrived.notify_all()
        return web.Response()

    async def wait_for(self, event_type: str, intent_id: str) -> Delivery:
        """The delivery of this event about this PaymentIntent (other tests' events are ignored).

        localstripe delivers a second after the event; ten seconds is plenty.
        """

        def found() -> Delivery | None:
            for delivery in self.deliveries:
                event = delivery.event
                if event["type"] == event_type and event["data"]["object"]["id"] == intent_id:
                    return delivery
            return None

        async with asyncio.timeout(10), self._arrived:
            delivery = await self._arrived.wait_for(found)
        assert delivery is not None
        return delivery


@pytest.fixture(scope="session")
async def webhooks(localstripe: Localstripe) -> AsyncIterator[WebhookReceiver]:
    """A receiver on loopback, registered in localstripe for the PaymentIntent outcomes."""
    receiver = WebhookReceiver()
    app = web.Application()
    app.router.add_post("/webhook", receiver.receive)
    runner, url = await _serve(app)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{localstripe.url}/_config/webhooks/registry-tests",
            json={"url": f"{url}/webhook", "secret": WEBHOOK_SECRET, "events": WEBHOOK_EVENTS},
        )
        response.raise_for_status()
    yield receiver
    await runner.cleanup()


@pytest.fixture
async def failing_url() -> AsyncIterator[str]:
    """A Stripe API on loopback that answers every request with 503 Service Unavailable."""

    async def unavailable(request: web.Request) -> web.Response:
        error = {"error": {"type": "api_error", "message": "Service unavailable"}}
        return web.json_response(error, status=503)

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", unavailable)
    runner, url = await _serve(app)
    yield url
    await runner.cleanup()


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path_qs: str
    headers: dict[str, str]


@dataclass(frozen=True)
class RecordingProxy:
    url: str
    requests: list[RecordedRequest]


@pytest.fixture
async def recording_proxy(localstripe: Localstripe) -> AsyncIterator[RecordingProxy]:
    """A pass-through to localstripe that records each request as the gateway sent it.

    localstripe ignores headers such as Idempotency-Key, so only a recording shows them.
    """
    recorded: list[RecordedRequest] = []

    async def forward(request: web.Request) -> web.Response:
        recorded.append(RecordedRequest(request.method, request.path_qs, dict(request.headers)))
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in ("authorization", "content-type", "stripe-version")
        }
        async with (
            ClientSession() as session,
            session.request(
                request.method,
                f"{localstripe.url}{request.path_qs}",
                headers=headers,
                data=await request.read(),
            ) as answer,
        ):
            return web.Response(
                status=answer.status,
                body=await answer.read(),
                content_type=answer.content_type,
            )

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", forward)
    runner, url = await _serve(app)
    yield RecordingProxy(url, recorded)
    await runner.cleanup()
