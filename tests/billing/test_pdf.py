"""The PDF is the same document in Dutch, byte for byte the same on every rendering."""

from __future__ import annotations

import pytest
from babel.numbers import format_currency

from registry.billing.pdf import to_pdf
from registry.kit.money import format_euro_nl, to_euro
from tests.billing.documents import credit_note, invoice
from tests.helpers.pdf import page_text, shown


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "€\xa00,00"),
        (5, "€\xa00,05"),
        (100, "€\xa01,00"),
        (1_830_465, "€\xa018.304,65"),
        (123_456_789, "€\xa01.234.567,89"),
        (-146_316, "€\xa0-1.463,16"),
        (-5, "€\xa0-0,05"),
    ],
)
def test_format_euro_nl(cents: int, text: str) -> None:
    assert format_euro_nl(cents) == text
    # the same as the registry's web pages write euros in Dutch
    assert format_euro_nl(cents) == format_currency(to_euro(cents), "EUR", locale="nl_NL")


def test_is_a_pdf_with_title_and_author() -> None:
    pdf = to_pdf(invoice())
    assert pdf.startswith(b"%PDF-")
    assert b"/Title (Factuur 2027-0042)" in pdf
    assert b"/Author (Co\\366peratie Gemeentelijke ICT U.A.)" in pdf


def test_same_document_same_bytes() -> None:
    assert to_pdf(invoice()) == to_pdf(invoice())
    assert to_pdf(credit_note()) == to_pdf(credit_note())


def test_invoice_shows_lines_vat_totals_and_how_to_pay() -> None:
    text = page_text(to_pdf(invoice()))
    for label in (
        "Factuur 2027-0042",
        "(Factuurnummer)",
        "(Factuurdatum)",
        "(03-11-2027)",
        "(Vervaldatum)",
        "(03-12-2027)",
        "(Omschrijving)",
        "(Bedrag)",
        "(Btw)",
        "OIN 00000001001234567000",
        "KvK 12345678",
        "Btw-nummer NL001234572B01",
        "(vrijgesteld)",
        "(21%)",
        "koepelvrijstelling",
        "(Totaal excl. btw)",
        "(Totaal btw)",
        "(Totaal incl. btw)",
        "(Reeds verrekend)",
        "(Te betalen)",
    ):
        assert label in text
    for cents in (1_830_465, -146_316, 1_567_853, 329_249, 3_398_318, 3_727_567, -125_000):
        assert f"({shown(format_euro_nl(cents))})" in text
    payable = shown(format_euro_nl(3_602_567))
    assert f"({payable})" in text
    assert f"Gelieve {payable} uiterlijk op 03-12-2027 te betalen op IBAN NL91 ABNA 0417" in text
    assert "onder vermelding van 2027-0042." in text


def test_credit_note_names_the_invoice_it_corrects() -> None:
    pdf = to_pdf(credit_note())
    assert b"/Title (Creditnota 2027-C0003)" in pdf
    text = page_text(pdf)
    assert "Creditnota 2027-C0003" in text
    assert "(Correctie op factuur)" in text
    assert "(2027-0042 van 03-11-2027)" in text
    assert "(Te crediteren)" in text
    assert "Gelieve" not in text
    assert "(Reeds verrekend)" not in text
