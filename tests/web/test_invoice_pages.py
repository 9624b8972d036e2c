"""The invoice pages: the directie runs, issues, records transfers and credits; auditors read;
a member's admin sees and downloads its own invoices and keeps its invoice details."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.billing import invoicing
from registry.billing.document import DocumentKind
from registry.billing.models import Invoice, InvoiceStatus, Settlement
from registry.db import create_engine, create_session_factory
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.helpers.ubl import schema
from tests.live import LiveServer
from tests.web.billing_data import EINDHOVEN_TOTAL, WOERDEN_INVOICE_ID, WOERDEN_TOTAL, number

INVOICE = f"/facturen/{WOERDEN_INVOICE_ID}"


@pytest.fixture
async def client(billing_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(billing_url))) as test_client:
        yield test_client


@pytest.fixture
async def billing_db(billing_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(billing_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def _count(factory: async_sessionmaker[AsyncSession], model: type[Any]) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _post(client: AsyncTestClient[Any], page: str, action: str, **data: Any) -> Any:
    html = (await client.get(page)).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


def _field_error(html: str, error_id: str) -> str:
    found = re.search(rf'id="{error_id}">(.*?)</p>', html, re.S)
    assert found, f"no error {error_id} on the page"
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()


async def test_anonymous_visitors_log_in_first(client: AsyncTestClient[Any]) -> None:
    for path in (
        "/facturen",
        INVOICE,
        f"{INVOICE}/pdf",
        f"{INVOICE}/betalen",
        "/leden/woerden/facturen",
    ):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/inloggen?volgende=")


async def test_another_members_admin_is_refused(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "erik-eindhoven")
    for path in ("/facturen", INVOICE, f"{INVOICE}/pdf", f"{INVOICE}/ubl", f"{INVOICE}/betalen"):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.get("/leden/woerden/facturen")).status_code == 403
    assert (await client.get("/leden/eindhoven/facturen")).status_code == 200


async def test_auditors_read_without_forms(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "anna-auditor")
    listing = await client.get("/facturen")
    assert listing.status_code == 200
    assert 'href="/facturen"' in listing.text  # in the header's menu
    assert number(1) in listing.text
    assert WOERDEN_TOTAL in listing.text
    assert "/facturen/concepten" not in listing.text
    assert "Concepten" not in listing.text
    page = await client.get(INVOICE)
    assert page.status_code == 200
    for action in ("/overboeking", "/crediteren", "/betalen"):
        assert f'action="{INVOICE}{action}"' not in page.text
    member = await client.get("/leden/woerden/facturen")
    assert member.status_code == 200
    assert "/facturen/gegevens" not in member.text
    assert "Blekerijlaan 14" in member.text
    assert (await client.post(f"{INVOICE}/overboeking", data={})).status_code == 403


async def test_the_member_admin_sees_its_invoice_and_how_to_pay_it(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "wim-woerden")
    assert (await client.get("/facturen")).status_code == 403
    assert 'href="/facturen"' not in (await client.get("/leden/woerden")).text
    assert 'href="/leden/woerden/facturen"' in (await client.get("/leden/woerden")).text
    page = await client.get(INVOICE)
    assert page.status_code == 200
    html = page.text
    assert f"Factuur {number(1)}" in html
    assert re.search(rf'id="te-betalen">{WOERDEN_TOTAL}<', html)
    assert re.search(rf'id="openstaand">{WOERDEN_TOTAL}<', html)
    assert "vrijgesteld" in html
    assert "Online betalen is uitgeschakeld." in html
    assert "NL91ABNA0417164300" in html
    assert f"onder vermelding van {number(1)}" in html
    assert f'href="{INVOICE}/betalen"' not in html  # payments are off
    assert "/overboeking" not in html
    assert "/crediteren" not in html
    mine = await client.get("/leden/woerden/facturen")
    assert number(1) in mine.text
    assert "Tegoed voor volgende facturen: €\xa00,00" in mine.text
    english = await client.get(f"{INVOICE}?lang=en")
    assert f"Invoice {number(1)}" in english.text
    assert "Online payment is switched off." in english.text


async def test_preview_store_drafts_and_issue(
    client: AsyncTestClient[Any], billing_db: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "dirk-directie")
    preview = await client.get("/facturen?tot=2023-06-30")
    assert preview.status_code == 200
    html = preview.text
    assert "Factuur voor Gemeente Eindhoven" in html
    assert "Factuur voor Werkorganisatie Boxtel en Sint-Michielsgestel" in html
    assert "Factuur voor Gemeente Woerden" not in html  # billed already
    assert EINDHOVEN_TOTAL in html
    digest = re.search(r'name="invoer" value="([0-9a-f]{64})"', html)
    assert digest
    assert await _count(billing_db, Invoice) == 1  # the preview stores nothing

    changed = await _post(
        client, "/facturen", "/facturen/concepten", tot="2023-06-30", leden="", invoer="0" * 64
    )
    assert changed.status_code == 409
    assert "Er is niets opgeslagen" in changed.text
    assert await _count(billing_db, Invoice) == 1

    stored = await _post(
        client, "/facturen", "/facturen/concepten", tot="2023-06-30", leden="", invoer=digest[1]
    )
    assert stored.status_code == 303
    listing = await client.get("/facturen")
    assert "De concepten zijn gemaakt." in listing.text
    assert "Concept voor Gemeente Eindhoven" in listing.text
    async with billing_db() as session:
        draft = await session.scalar(
            select(Invoice).where(
                Invoice.member_code == "eindhoven", Invoice.status == InvoiceStatus.DRAFT
            )
        )
        assert draft is not None
        draft_id = draft.id
    assert (await client.get(f"/facturen/{draft_id}/pdf")).status_code == 404
    assert (await client.get(f"/facturen/{draft_id}/ubl")).status_code == 404

    # Issuing is irreversible: first what would be issued, with nothing stored.
    summary = await _post(client, "/facturen", f"/facturen/{draft_id}/uitgeven")
    assert summary.status_code == 200
    assert "Er is nog niets opgeslagen." in summary.text
    assert "Gemeente Eindhoven" in summary.text
    assert f"{number(2)}" in summary.text
    assert re.search(rf'id="document-totaal">{EINDHOVEN_TOTAL}<', summary.text)
    async with billing_db() as session:
        still = await session.get(Invoice, draft_id)
        assert still is not None
        assert (still.status, still.number) == (InvoiceStatus.DRAFT, None)
    issued = await _post(client, "/facturen", f"/facturen/{draft_id}/uitgeven", bevestigd="ja")
    assert issued.status_code == 303
    assert issued.headers["location"] == f"/facturen/{draft_id}"
    page = await client.get(f"/facturen/{draft_id}")
    assert "De factuur is uitgegeven." in page.text
    assert f"Factuur {number(2)}" in page.text
    assert re.search(rf'id="te-betalen">{EINDHOVEN_TOTAL}<', page.text)
    assert "Openstaand" in page.text


async def test_a_bad_run_date_is_shown_at_its_field(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get("/facturen?tot=30-06-2023&leden=onbekend")
    assert 'aria-invalid="true" aria-describedby="run-tot-fout"' in page.text
    assert "Dit is geen datum" in _field_error(page.text, "run-tot-fout")
    unknown = await client.get("/facturen?tot=2023-06-30&leden=onbekend")
    assert "onbekend" in _field_error(unknown.text, "run-leden-fout")


async def test_recording_a_transfer(
    client: AsyncTestClient[Any], billing_db: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "dirk-directie")
    bad = await _post(
        client,
        INVOICE,
        f"{INVOICE}/overboeking",
        amount="veel",
        paid_on="2023-07-03",
        bank_reference="NL-BANK-1",
    )
    assert bad.status_code == 422
    amount = re.search(r'<input[^>]*id="overboeking-bedrag"[^>]*>', bad.text)
    assert amount, "no amount field"
    assert 'name="amount"' in amount.group(0)
    assert 'value="veel"' in amount.group(0)
    assert 'inputmode="decimal"' in amount.group(0)
    assert 'aria-describedby="overboeking-bedrag-uitleg overboeking-bedrag-fout"' in amount.group(0)
    assert "bijvoorbeeld 1.234,56" in bad.text
    assert _field_error(bad.text, "overboeking-bedrag-fout")
    assert await _count(billing_db, Settlement) == 0

    good = await _post(
        client,
        INVOICE,
        f"{INVOICE}/overboeking",
        amount="1000,00",
        paid_on="2023-07-03",
        bank_reference="NL-BANK-1",
    )
    assert good.status_code == 303
    page = await client.get(INVOICE)
    assert "De overboeking is vastgelegd." in page.text
    assert "Deels betaald" in page.text
    assert re.search(r'id="openstaand">€\xa02.771,18<', page.text)
    assert "NL-BANK-1" in page.text


async def test_crediting_an_invoice(
    client: AsyncTestClient[Any], billing_db: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "dirk-directie")
    missing = await _post(client, INVOICE, f"{INVOICE}/crediteren", credit_choice="carry")
    assert missing.status_code == 422
    assert _field_error(missing.text, "crediteren-reden-fout")
    assert _field_error(missing.text, "crediteren-regels-fout")
    assert await _count(billing_db, Invoice) == 1

    # Irreversible: first a summary of the note as it would be issued, nothing stored.
    summary = await _post(
        client,
        INVOICE,
        f"{INVOICE}/crediteren",
        regel="1",
        reason="Verdeelsleutel herzien",
        credit_choice="carry",
    )
    assert summary.status_code == 200
    assert "Deze creditnota wordt uitgegeven" in summary.text
    assert "Er is nog niets opgeslagen." in summary.text
    assert 'name="bevestigd" value="ja"' in summary.text
    assert await _count(billing_db, Invoice) == 1
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
    note = await client.get(credited.headers["location"])
    assert "De creditnota is uitgegeven." in note.text
    assert f"Creditnota {number(2)}" in note.text
    assert f'href="{INVOICE}">{number(1)}</a>' in note.text
    assert "Verdeelsleutel herzien" in note.text
    original = await client.get(INVOICE)
    assert "Gecrediteerd" in original.text
    assert f">{number(2)}</a>" in original.text
    assert "/crediteren" not in original.text  # every line is credited


async def test_downloads(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    pdf = await client.get(f"{INVOICE}/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == (
        f'attachment; filename="factuur-{number(1)}.pdf"; '
        f"filename*=UTF-8''factuur-{number(1)}.pdf"
    )
    assert pdf.content.startswith(b"%PDF")
    ubl = await client.get(f"{INVOICE}/ubl")
    assert ubl.status_code == 200
    assert ubl.headers["content-type"].startswith("application/xml")
    assert ubl.headers["content-disposition"] == (
        f'attachment; filename="factuur-{number(1)}.xml"; '
        f"filename*=UTF-8''factuur-{number(1)}.xml"
    )
    xsd = schema(DocumentKind.INVOICE)
    assert xsd.validate(etree.fromstring(ubl.content)), xsd.error_log
    assert number(1).encode() in ubl.content
    assert (await client.get("/facturen/999/pdf")).status_code == 404


async def test_invoice_details_kept_by_the_member_admin(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    page = "/leden/woerden/facturen"
    bad = await _post(
        client,
        page,
        f"{page}/gegevens",
        street="Blekerijlaan 14",
        postal_code="3447",
        city="Woerden",
        email="geen-adres",
        purchase_order_reference="",
    )
    assert bad.status_code == 422
    assert "3441 EM" in _field_error(bad.text, "gegevens-postal_code-fout")
    assert _field_error(bad.text, "gegevens-email-fout")
    good = await _post(
        client,
        page,
        f"{page}/gegevens",
        street="Blekerijlaan 14",
        postal_code="3447 gr",
        city="Woerden",
        email="crediteuren@woerden.example",
        purchase_order_reference="PO-2024-001",
    )
    assert good.status_code == 303
    after = await client.get(page)
    assert "De factuurgegevens zijn opgeslagen." in after.text
    assert 'value="3447 GR"' in after.text
    assert 'value="PO-2024-001"' in after.text


async def test_a_double_submit_stores_the_drafts_once_issues_once_and_pays_once(
    billing_url: str, billing_db: async_sessionmaker[AsyncSession]
) -> None:
    """Two clicks on the same button: the same form (CSRF token, preview digest) twice, at
    the same moment, to a real server (the test client would take them one by one)."""
    with LiveServer(dev_settings(billing_url)) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            await log_in_as(client, "dirk-directie")
            html = (await client.get("/facturen?tot=2023-06-30")).text
            digest = re.search(r'name="invoer" value="([0-9a-f]{64})"', html)
            assert digest
            form = {"_csrf_token": csrf_token_in(html), "tot": "2023-06-30", "invoer": digest[1]}
            both = await asyncio.gather(
                *(client.post("/facturen/concepten", data=form) for _ in range(2))
            )
            assert [r.status_code for r in both] == [303, 303]
            assert {r.headers["location"] for r in both} == {"/facturen"}
            async with billing_db() as session:
                drafts = list(
                    await session.scalars(
                        select(Invoice).where(Invoice.status == InvoiceStatus.DRAFT)
                    )
                )
            codes = sorted(d.member_code for d in drafts)
            assert codes == ["eindhoven", "gr-boxtel-sint-michielsgestel"]

            draft_id = next(d.id for d in drafts if d.member_code == "eindhoven")
            token = {
                "_csrf_token": csrf_token_in((await client.get("/facturen")).text),
                "bevestigd": "ja",
            }
            issued = await asyncio.gather(
                *(client.post(f"/facturen/{draft_id}/uitgeven", data=token) for _ in range(2))
            )
            assert [r.status_code for r in issued] == [303, 303]
            assert {r.headers["location"] for r in issued} == {f"/facturen/{draft_id}"}

            page = (await client.get(f"/facturen/{draft_id}")).text
            transfer = {
                "_csrf_token": csrf_token_in(page),
                "amount": "100,00",
                "paid_on": "2023-07-03",
                "bank_reference": "NL-BANK-DUBBEL",
            }
            paid = await asyncio.gather(
                *(client.post(f"/facturen/{draft_id}/overboeking", data=transfer) for _ in range(2))
            )
            assert sorted(r.status_code for r in paid) == [303, 422]  # the second: same reference
    async with billing_db() as session:
        numbers = await session.scalars(select(Invoice.number).where(Invoice.number.is_not(None)))
        assert sorted(numbers) == [number(1), number(2)]  # Woerden's earlier one and this one
        transfers = await session.scalars(
            select(Settlement.amount_cents).where(Settlement.reference == "NL-BANK-DUBBEL")
        )
        assert list(transfers) == [10_000]


async def test_a_write_that_loses_a_race_says_so_in_dutch_and_stores_nothing(
    client: AsyncTestClient[Any],
    billing_db: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the database refuses a write (a unique key another request took first)."""
    await log_in_as(client, "dirk-directie")
    before = await _count(billing_db, Invoice)

    async def refused(*_args: object, **_kwargs: object) -> None:
        raise IntegrityError("INSERT INTO invoice", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(invoicing, "run_invoices", refused)
    html = (await client.get("/facturen?tot=2023-06-30")).text
    digest = re.search(r'name="invoer" value="([0-9a-f]{64})"', html)
    assert digest
    response = await client.post(
        "/facturen/concepten",
        data={"_csrf_token": csrf_token_in(html), "tot": "2023-06-30", "invoer": digest[1]},
    )
    assert response.status_code == 409
    assert "Tegelijk gewijzigd" in response.text
    assert "Er is niets opgeslagen" in response.text
    assert "UNIQUE" not in response.text
    assert await _count(billing_db, Invoice) == before
