"""An invoice or credit note as UBL 2.1 XML, for delivery over Peppol to a member.

The document follows Peppol BIS Billing 3.0, so its CustomizationID is the Peppol BIS one
(`urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0`), not the
NLCIUS id (`...#compliant#urn:fdc:nen.nl:nlcius:v1.0`). Municipalities receive e-invoices
through Peppol, whose access points only accept the Peppol BIS identifier; the Dutch
national rules (NL-R-001 to NL-R-009: KvK/OIN legal ids, full NL addresses, a payment means,
the corrected invoice on a credit note) are part of Peppol BIS for Dutch suppliers, and this
renderer meets them.

Amounts come final from `InvoiceDocument`: this module only formats them.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from registry.billing.document import (
    DocumentKind,
    DocumentLine,
    InvoiceDocument,
    Party,
    VatCode,
)

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

OIN_SCHEME = "0190"
KVK_SCHEME = "0106"
SEPA_CREDIT_TRANSFER = "58"
UNIT_CODE = "C62"  # "one": every line is one billable item

ITEM_NAME_MAX = 100
"""Receiving systems show the item name in a single field; the full text goes to Description."""


def to_ubl(doc: InvoiceDocument) -> bytes:
    """Render the document as UBL; the same document always gives the same bytes."""
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    if credit and doc.corrects_number is None:  # NL-R-001
        raise ValueError(f"credit note {doc.number} must name the invoice it corrects")
    root_ns, root_tag = (CREDIT_NOTE_NS, "CreditNote") if credit else (INVOICE_NS, "Invoice")
    # The document namespace is the default one (key None), which lxml-stubs do not allow for.
    nsmap = {None: root_ns, "cac": CAC, "cbc": CBC}
    root = etree.Element(f"{{{root_ns}}}{root_tag}", nsmap=nsmap)  # type: ignore[arg-type]
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", doc.number)
    _cbc(root, "IssueDate", doc.issue_date.isoformat())
    if credit:
        _cbc(root, "CreditNoteTypeCode", "381")
    else:
        # A UBL 2.1 CreditNote has no DueDate: there it goes into PaymentMeans.
        _cbc(root, "DueDate", doc.due_date.isoformat())
        _cbc(root, "InvoiceTypeCode", "380")
    if doc.note:
        _cbc(root, "Note", doc.note)
    _cbc(root, "DocumentCurrencyCode", doc.currency)
    _cbc(root, "BuyerReference", doc.buyer_reference)
    if doc.corrects_number is not None:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", doc.corrects_number)
        if doc.corrects_issue_date is not None:
            _cbc(reference, "IssueDate", doc.corrects_issue_date.isoformat())
    _party(_cac(root, "AccountingSupplierParty"), doc.supplier)
    _party(_cac(root, "AccountingCustomerParty"), doc.customer)
    _payment(root, doc, credit)
    _tax_total(root, doc)
    _monetary_total(root, doc)
    for line in doc.lines:
        _line(root, doc, line, credit)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _cbc(parent: etree._Element, name: str, text: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrs)
    element.text = text
    return element


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _amount(parent: etree._Element, name: str, cents: int, currency: str) -> None:
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    _cbc(parent, name, f"{sign}{whole}.{rest:02d}", currencyID=currency)


def _percent(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def _party(parent: etree._Element, party: Party) -> None:
    """Peppol routes on the endpoint: the OIN for government bodies, else the KvK number."""
    element = _cac(parent, "Party")
    if party.oin is not None:
        _cbc(element, "EndpointID", party.oin, schemeID=OIN_SCHEME)
    elif party.kvk is not None:
        _cbc(element, "EndpointID", party.kvk, schemeID=KVK_SCHEME)
    else:
        raise ValueError(f"{party.name} has neither an OIN nor a KvK number to be addressed by")
    address = _cac(element, "PostalAddress")
    _cbc(address, "StreetName", party.street)
    _cbc(address, "CityName", party.city)
    _cbc(address, "PostalZone", party.postal_code)
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country_code)
    if party.vat_id is not None:
        tax_scheme = _cac(element, "PartyTaxScheme")
        _cbc(tax_scheme, "CompanyID", party.vat_id)
        _cbc(_cac(tax_scheme, "TaxScheme"), "ID", "VAT")
    legal = _cac(element, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    # The KvK number is the legal registration; a body without one is known by its OIN.
    if party.kvk is not None:
        _cbc(legal, "CompanyID", party.kvk, schemeID=KVK_SCHEME)
    elif party.oin is not None:
        _cbc(legal, "CompanyID", party.oin, schemeID=OIN_SCHEME)
    if party.email is not None:
        _cbc(_cac(element, "Contact"), "ElectronicMail", party.email)


def _payment(root: etree._Element, doc: InvoiceDocument, credit: bool) -> None:
    """A credit note names the same account, so the member can settle it against the invoice."""
    means = _cac(root, "PaymentMeans")
    _cbc(means, "PaymentMeansCode", SEPA_CREDIT_TRANSFER)
    if credit:
        _cbc(means, "PaymentDueDate", doc.due_date.isoformat())
    _cbc(means, "PaymentID", doc.payment_reference)
    account = _cac(means, "PayeeFinancialAccount")
    _cbc(account, "ID", doc.iban)
    _cbc(account, "Name", doc.supplier.name)
    if doc.bic is not None:
        _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", doc.bic)
    _cbc(_cac(root, "PaymentTerms"), "Note", f"Vervaldatum {doc.due_date:%d-%m-%Y}")


def _tax_category(
    parent: etree._Element, name: str, code: VatCode, rate: Decimal
) -> etree._Element:
    """Out-of-scope (O) carries no rate at all (BR-O-05, BR-O-09); every other code does."""
    category = _cac(parent, name)
    _cbc(category, "ID", code.value)
    if code is not VatCode.OUT_OF_SCOPE:
        _cbc(category, "Percent", _percent(rate))
    return category


def _tax_total(root: etree._Element, doc: InvoiceDocument) -> None:
    total = _cac(root, "TaxTotal")
    _amount(total, "TaxAmount", doc.vat_total_cents, doc.currency)
    for group in doc.vat_groups:
        subtotal = _cac(total, "TaxSubtotal")
        _amount(subtotal, "TaxableAmount", group.taxable_cents, doc.currency)
        _amount(subtotal, "TaxAmount", group.vat_cents, doc.currency)
        category = _tax_category(subtotal, "TaxCategory", group.vat_code, group.vat_rate)
        if group.exemption_reason is not None:
            _cbc(category, "TaxExemptionReason", group.exemption_reason)
        _cbc(_cac(category, "TaxScheme"), "ID", "VAT")


def _monetary_total(root: etree._Element, doc: InvoiceDocument) -> None:
    total = _cac(root, "LegalMonetaryTotal")
    _amount(total, "LineExtensionAmount", doc.net_total_cents, doc.currency)
    _amount(total, "TaxExclusiveAmount", doc.net_total_cents, doc.currency)
    _amount(total, "TaxInclusiveAmount", doc.gross_total_cents, doc.currency)
    if doc.prepaid_cents:
        _amount(total, "PrepaidAmount", doc.prepaid_cents, doc.currency)
    _amount(total, "PayableAmount", doc.payable_cents, doc.currency)


def _line(root: etree._Element, doc: InvoiceDocument, line: DocumentLine, credit: bool) -> None:
    """A negative line (a settlement credit) is quantity -1 at a positive price (BR-27)."""
    prefix = "CreditNote" if credit else "Invoice"
    element = _cac(root, f"{prefix}Line")
    _cbc(element, "ID", str(line.line_no))
    if line.source:
        _cbc(element, "Note", line.source)
    quantity = "-1" if line.net_cents < 0 else "1"
    quantity_name = "CreditedQuantity" if credit else "InvoicedQuantity"
    _cbc(element, quantity_name, quantity, unitCode=UNIT_CODE)
    _amount(element, "LineExtensionAmount", line.net_cents, doc.currency)
    item = _cac(element, "Item")
    if len(line.description) > ITEM_NAME_MAX:
        _cbc(item, "Description", line.description)
        _cbc(item, "Name", line.description[: ITEM_NAME_MAX - 1].rstrip() + "…")
    else:
        _cbc(item, "Name", line.description)
    category = _tax_category(item, "ClassifiedTaxCategory", line.vat_code, line.vat_rate)
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")
    property_ = _cac(item, "AdditionalItemProperty")
    _cbc(property_, "Name", "Soort")
    _cbc(property_, "Value", line.category)
    _amount(_cac(element, "Price"), "PriceAmount", abs(line.net_cents), doc.currency)
