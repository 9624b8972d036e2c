"""The invoice forms as the NL Design System writes them (a summary that links to each field,
the message next to its field in the page language, every typed value kept, nothing stored),
and the payment page of an invoice that has nothing left to pay."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from lxml import html as lxml_html

from registry.app import create_app
from registry.billing.models import BillingAccount, Invoice, Settlement
from tests.helpers.db import count_rows
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
        bevestigd="ja",
    )
    assert credited.status_code == 303
    dutch = await _pay_page(client)
    assert "Deze factuur is gecrediteerd; er valt niets meer te betalen." in dutch
    assert "Te betalen" not in dutch
    english = await _pay_page(client, "?lang=en")
    assert "this invoice has been credited; there is nothing left to pay" in english


def _refused(html: str, links: dict[str, str]) -> Any:
    """The page, after checking that the summary links each field to its message (`links`
    maps an input id to a part of that message) and that no field path or code shows."""
    page = lxml_html.fromstring(html)
    summary = {a.get("href"): a.text_content() for a in page.xpath('//div[@id="foutmeldingen"]//a')}
    for field, message in links.items():
        assert message in summary.get(f"#{field}", ""), (field, summary)
        assert message in page.get_element_by_id(f"{field}-fout").text_content()
        assert page.get_element_by_id(field).get("aria-invalid") == "true"
    return page


def _value(page: Any, field: str) -> str:
    value: str = page.get_element_by_id(field).get("value")
    return value


TRANSFER = {"amount": "1.000", "paid_on": "2999-01-01", "bank_reference": "NL-BANK-7"}


@pytest.mark.parametrize(
    ("lang", "ambiguous", "future"),
    [
        ("", "'1.000' is niet eenduidig", "Een overboeking kan niet na vandaag gedateerd zijn."),
        ("?lang=en", "'1.000' is ambiguous", "a transfer cannot be dated after today"),
    ],
)
async def test_a_refused_transfer(
    client: AsyncTestClient[Any], billing_url: str, lang: str, ambiguous: str, future: str
) -> None:
    await log_in_as(client, "dirk-directie")
    refused = await _post(client, INVOICE, f"{INVOICE}/overboeking{lang}", **TRANSFER)
    assert refused.status_code == 422
    page = _refused(refused.text, {"overboeking-bedrag": ambiguous, "overboeking-datum": future})
    assert _value(page, "overboeking-bedrag") == "1.000"
    assert _value(page, "overboeking-datum") == "2999-01-01"
    assert _value(page, "overboeking-kenmerk") == "NL-BANK-7"
    assert "ambiguous_number" not in refused.text
    assert "paidOn" not in refused.text
    assert await count_rows(billing_url, Settlement) == 0


@pytest.mark.parametrize(
    ("lang", "reason", "lines"),
    [
        ("", "Vermeld waarom de factuur wordt gecorrigeerd.", "Kies ten minste één regel"),
        ("?lang=en", "say why the invoice is corrected", "choose at least one line to credit"),
    ],
)
async def test_a_refused_credit_note(
    client: AsyncTestClient[Any], billing_url: str, lang: str, reason: str, lines: str
) -> None:
    await log_in_as(client, "dirk-directie")
    invoices = await count_rows(billing_url, Invoice)
    refused = await _post(
        client, INVOICE, f"{INVOICE}/crediteren{lang}", reason=" ", credit_choice="refund"
    )
    assert refused.status_code == 422
    page = _refused(refused.text, {"crediteren-reden": reason, "crediteren-regels": lines})
    assert page.xpath('//input[@name="credit_choice"][@checked]/@value') == ["refund"]
    assert await count_rows(billing_url, Invoice) == invoices

    # A typed reason stays when only the lines are missing.
    kept = await _post(
        client,
        INVOICE,
        f"{INVOICE}/crediteren{lang}",
        reason="Verdeelsleutel herzien",
        credit_choice="carry",
    )
    page = _refused(kept.text, {"crediteren-regels": lines})
    assert page.get_element_by_id("crediteren-reden").text_content() == "Verdeelsleutel herzien"
    assert page.xpath('//input[@name="credit_choice"][@checked]/@value') == ["carry"]
    assert await count_rows(billing_url, Invoice) == invoices


@pytest.mark.parametrize(
    ("lang", "postal_code", "email"),
    [("", "3441 EM", "e-mailadres"), ("?lang=en", "3441 EM", "e-mail address")],
)
async def test_refused_billing_details(
    client: AsyncTestClient[Any], billing_url: str, lang: str, postal_code: str, email: str
) -> None:
    await log_in_as(client, "wim-woerden")
    page_url = "/leden/woerden/facturen"
    typed = {
        "street": "Stationsstraat 1",
        "postal_code": "3447",
        "city": "Woerden-Oost",
        "email": "geen-adres",
        "purchase_order_reference": "PO-9",
    }
    refused = await _post(client, page_url, f"{page_url}/gegevens{lang}", **typed)
    assert refused.status_code == 422
    page = _refused(refused.text, {"gegevens-postal_code": postal_code, "gegevens-email": ""})
    assert email in page.get_element_by_id("gegevens-email-fout").text_content().lower()
    for name, value in typed.items():
        assert _value(page, f"gegevens-{name}") == value, name
    assert "postalCode" not in refused.text
    after = await client.get(page_url)
    assert "Blekerijlaan 14" in after.text  # nothing stored
    assert "Stationsstraat 1" not in after.text
    assert await count_rows(billing_url, BillingAccount) == 4
