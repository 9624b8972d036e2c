"""The UBL is valid against the OASIS schema, EN 16931 and the Peppol rules, and says what
the document says."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest
from lxml import etree

from registry.billing.document import InvoiceDocument, VatCode, VatGroup
from registry.billing.ubl import CUSTOMIZATION_ID, PROFILE_ID, to_ubl
from tests.billing.documents import EXEMPTION, build, credit_note, invoice, line
from tests.helpers.ubl import rule_findings, schema

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
EXAMPLES = [pytest.param(invoice, id="invoice"), pytest.param(credit_note, id="credit_note")]


def texts(xml: bytes, path: str) -> list[str]:
    return [str(e.text) for e in etree.fromstring(xml).iterfind(path, NS)]


def test_the_sample_invoice_adds_up_as_worked_out_by_hand() -> None:
    doc = invoice()
    exempt, standard = doc.vat_groups
    assert (exempt.taxable_cents, exempt.vat_cents) == (1_830_465, 0)
    # 16,901.69 - 1,463.16 + 240.00 = 15,678.53; x 21% = 3,292.4913 -> 3,292.49
    assert (standard.taxable_cents, standard.vat_cents) == (1_567_853, 329_249)
    assert (doc.net_total_cents, doc.gross_total_cents) == (3_398_318, 3_727_567)
    assert doc.payable_cents == 3_602_567


@pytest.mark.parametrize("example", EXAMPLES)
def test_valid_against_the_ubl_schema(example: Callable[[], InvoiceDocument]) -> None:
    doc = example()
    xsd = schema(doc.kind)
    assert xsd.validate(etree.fromstring(to_ubl(doc))), xsd.error_log


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_business_rule_is_broken(example: Callable[[], InvoiceDocument]) -> None:
    assert rule_findings(to_ubl(example())) == []


def test_every_vat_code_passes_the_rules() -> None:
    """Zero-rated and out-of-scope documents: O carries no rate and may not be mixed (BR-O-11)."""
    zero = build([line(1, "Export", "Gebruiksvergoeding", "100.00", VatCode.ZERO, "0")])
    out_of_scope = build(
        [line(1, "Subsidie", "Doorbelasting", "100.00", VatCode.OUT_OF_SCOPE, "0")]
    )
    out_of_scope = dataclasses.replace(
        out_of_scope,
        supplier=dataclasses.replace(out_of_scope.supplier, vat_id=None),  # BR-O-02
        vat_groups=(
            dataclasses.replace(out_of_scope.vat_groups[0], exemption_reason="Niet belast"),
        ),
    )
    for doc in (zero, out_of_scope):
        xml = to_ubl(doc)
        assert schema(doc.kind).validate(etree.fromstring(xml))
        assert rule_findings(xml) == []
    assert texts(to_ubl(out_of_scope), ".//cbc:Percent") == []


def broken_group(doc: InvoiceDocument, vat_cents_delta: int) -> VatGroup:
    return dataclasses.replace(
        doc.vat_groups[1], vat_cents=doc.vat_groups[1].vat_cents + vat_cents_delta
    )


def test_a_vat_group_one_cent_off_the_total_is_reported() -> None:
    doc = invoice()
    broken = dataclasses.replace(doc, vat_groups=(doc.vat_groups[0], broken_group(doc, 1)))
    assert rule_findings(to_ubl(broken)) == ["BR-CO-14"]


def test_a_vat_group_not_taxable_times_rate_is_reported() -> None:
    """BR-CO-17 tolerates under a euro of drift; a euro more, carried through the totals, is not."""
    doc = invoice()
    broken = dataclasses.replace(
        doc,
        vat_groups=(doc.vat_groups[0], broken_group(doc, 100)),
        vat_total_cents=doc.vat_total_cents + 100,
        gross_total_cents=doc.gross_total_cents + 100,
        payable_cents=doc.payable_cents + 100,
    )
    assert rule_findings(to_ubl(broken)) == ["BR-CO-17", "BR-S-09"]


def test_an_empty_buyer_reference_is_reported() -> None:
    assert rule_findings(to_ubl(dataclasses.replace(invoice(), buyer_reference=""))) == [
        "PEPPOL-EN16931-R008"
    ]


def test_an_exempt_group_without_its_reason_is_reported() -> None:
    doc = invoice()
    exempt = dataclasses.replace(doc.vat_groups[0], exemption_reason=None)
    broken = dataclasses.replace(doc, vat_groups=(exempt, doc.vat_groups[1]))
    assert rule_findings(to_ubl(broken)) == ["BR-E-10"]


def test_header_parties_and_payment() -> None:
    xml = to_ubl(invoice())
    assert texts(xml, "cbc:CustomizationID") == [CUSTOMIZATION_ID]
    assert texts(xml, "cbc:ProfileID") == [PROFILE_ID]
    assert texts(xml, "cbc:InvoiceTypeCode") == ["380"]
    assert texts(xml, "cbc:DueDate") == ["2027-12-03"]
    assert texts(xml, "cbc:BuyerReference") == ["PO-2027-118"]
    root = etree.fromstring(xml)
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    customer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert supplier is not None
    assert customer is not None
    endpoint = supplier.find("cbc:EndpointID", NS)
    assert endpoint is not None
    assert (endpoint.text, endpoint.get("schemeID")) == ("12345678", "0106")
    endpoint = customer.find("cbc:EndpointID", NS)
    assert endpoint is not None
    assert (endpoint.text, endpoint.get("schemeID")) == ("00000001001234567000", "0190")
    assert supplier.findtext("cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS) == "NL001234572B01"
    assert customer.find("cac:PartyTaxScheme", NS) is None
    assert texts(xml, "cac:PaymentMeans/cbc:PaymentMeansCode") == ["58"]
    assert texts(xml, "cac:PaymentMeans/cbc:PaymentID") == ["2027-0042"]
    assert texts(xml, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == ["NL91ABNA0417164300"]
    assert texts(xml, ".//cac:FinancialInstitutionBranch/cbc:ID") == ["ABNANL2A"]


def test_totals_are_the_documents() -> None:
    xml = to_ubl(invoice())
    assert texts(xml, "cac:TaxTotal/cbc:TaxAmount") == ["3292.49"]
    assert texts(xml, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == ["18304.65", "15678.53"]
    assert texts(xml, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount") == ["0.00", "3292.49"]
    assert texts(xml, ".//cac:TaxCategory/cbc:TaxExemptionReason") == [EXEMPTION]
    monetary = "cac:LegalMonetaryTotal/cbc:"
    assert texts(xml, monetary + "LineExtensionAmount") == ["33983.18"]
    assert texts(xml, monetary + "TaxExclusiveAmount") == ["33983.18"]
    assert texts(xml, monetary + "TaxInclusiveAmount") == ["37275.67"]
    assert texts(xml, monetary + "PrepaidAmount") == ["1250.00"]
    assert texts(xml, monetary + "PayableAmount") == ["36025.67"]
    assert {e.get("currencyID") for e in etree.fromstring(xml).iterfind(".//*[@currencyID]")} == {
        "EUR"
    }


def test_a_settlement_credit_is_minus_one_at_a_positive_price() -> None:
    xml = to_ubl(invoice())
    assert texts(xml, "cac:InvoiceLine/cbc:InvoicedQuantity") == ["1", "1", "-1", "1"]
    assert texts(xml, "cac:InvoiceLine/cbc:LineExtensionAmount") == [
        "18304.65",
        "16901.69",
        "-1463.16",
        "240.00",
    ]
    assert texts(xml, "cac:InvoiceLine/cac:Price/cbc:PriceAmount") == [
        "18304.65",
        "16901.69",
        "1463.16",
        "240.00",
    ]
    assert texts(xml, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID") == [
        "E",
        "S",
        "S",
        "S",
    ]


def test_no_prepaid_amount_when_nothing_was_prepaid() -> None:
    assert texts(to_ubl(credit_note()), "cac:LegalMonetaryTotal/cbc:PrepaidAmount") == []


def test_a_long_description_is_shortened_to_a_name_and_kept_whole() -> None:
    description = "Aandeel kostenpool " + "Zaaksysteem " * 20
    xml = to_ubl(build([line(1, description, "Kostenaandeel", "10.00")]))
    (name,) = texts(xml, ".//cac:Item/cbc:Name")
    assert len(name) <= 100
    assert name.endswith("…")
    assert texts(xml, ".//cac:Item/cbc:Description") == [description]


def test_a_credit_note_references_the_invoice_it_corrects() -> None:
    xml = to_ubl(credit_note())
    assert etree.QName(etree.fromstring(xml)).localname == "CreditNote"
    assert texts(xml, "cbc:CreditNoteTypeCode") == ["381"]
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/cbc:"
    assert texts(xml, reference + "ID") == ["2027-0042"]
    assert texts(xml, reference + "IssueDate") == ["2027-11-03"]
    assert texts(xml, "cac:PaymentMeans/cbc:PaymentDueDate") == ["2027-12-03"]
    assert texts(xml, "cac:CreditNoteLine/cbc:CreditedQuantity") == ["1"]
    assert texts(xml, "cac:LegalMonetaryTotal/cbc:PayableAmount") == ["290.40"]


def test_a_credit_note_without_the_invoice_it_corrects_is_refused() -> None:
    doc = dataclasses.replace(credit_note(), corrects_number=None)
    with pytest.raises(ValueError, match="must name the invoice it corrects"):
        to_ubl(doc)


def test_a_party_without_oin_or_kvk_cannot_be_addressed() -> None:
    doc = invoice()
    anonymous = dataclasses.replace(doc.customer, oin=None, kvk=None)
    with pytest.raises(ValueError, match="neither an OIN nor a KvK"):
        to_ubl(dataclasses.replace(doc, customer=anonymous))


def test_same_document_same_bytes() -> None:
    first = to_ubl(invoice())
    assert first == to_ubl(invoice())
    assert first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Coöperatie".encode() in first


def test_a_reduced_rate_is_written_as_given() -> None:
    doc = build([line(1, "Naslagwerk", "Gebruiksvergoeding", "100.00", vat_rate="9.00")])
    assert doc.vat_groups[0].vat_rate == Decimal("9.00")
    assert texts(to_ubl(doc), ".//cbc:Percent") == ["9", "9"]
