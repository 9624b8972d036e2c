"""The invoice forms as the NL Design System writes them, and the payment page of an invoice
that has nothing left to pay."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.web.billing_data import WOERDEN_INVOICE_ID

INVOICE = f"/facturen/{WOERDEN_INVOICE_ID}"


@pytest.fixture
async def client(billing_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(billing_url))) as test_client:
        yield test_client


async def _post(client: AsyncTestClient[Any], page: str, action: str, **data: Any) -> Any:
    html = (await client.get(page)).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


async def _pay_page(client: AsyncTestClient[Any], lang: str = "") -> str:
    await log_in_as(client, "wim-woerden")
    page = await client.get(f"{INVOICE}/betalen{lang}")
    assert page.status_code == 200
    assert 'id="betaalformulier"' not in page.text  # no payment offered
    assert "payment.js" not in page.text
    return _text(page.text)


async def test_the_pay_page_of_a_paid_invoice_says_it_is_paid(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    paid = await _post(
        client,
        INVOICE,
        f"{INVOICE}/overboeking",
        amount="3.771,18",
        paid_on="2023-07-03",
        bank_reference="NL-BANK-9",
    )
    assert paid.status_code == 303
    dutch = await _pay_page(client)
    assert "Deze factuur is al betaald." in dutch
    assert "niet online worden betaald" not in dutch
    assert "Te betalen" not in dutch
    english = await _pay_page(client, "?lang=en")
    assert "this invoice has been paid already" in english
    assert "Deze factuur" not in english


async def test_the_pay_page_of_a_credited_invoice_says_it_is_credited(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    credited = await _post(
        client,
        INVOICE,
        f"{INVOICE}/crediteren",
        regel="1",
        reason="Verdeelsleutel herzien",
        credit_choice="carry",
    )
    assert credited.status_code == 303
    dutch = await _pay_page(client)
    assert "Deze factuur is gecrediteerd; er valt niets meer te betalen." in dutch
    assert "Te betalen" not in dutch
    english = await _pay_page(client, "?lang=en")
    assert "this invoice has been credited; there is nothing left to pay" in english
