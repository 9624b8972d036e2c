"""Dutch and English labels of the billing enums."""

from __future__ import annotations

from registry.billing.document import DocumentKind, VatCode
from registry.billing.models import (
    CreditChoice,
    DeliveryChannel,
    InvoiceStatus,
    LineCategory,
    ReminderStage,
    SettlementKind,
)
from registry.kit.labels import Label, labels

DOCUMENT_KIND = labels(
    DocumentKind,
    {
        DocumentKind.INVOICE: Label("Factuur", "Invoice"),
        DocumentKind.CREDIT_NOTE: Label("Creditnota", "Credit note"),
    },
)
VAT_CODE = labels(
    VatCode,
    {
        VatCode.STANDARD: Label("standaardtarief", "standard rate"),
        VatCode.ZERO: Label("0% (nultarief)", "0% (zero rate)"),
        VatCode.EXEMPT: Label("vrijgesteld", "exempt"),
        VatCode.OUT_OF_SCOPE: Label("buiten de btw", "out of scope of VAT"),
    },
)
LINE_CATEGORY = labels(
    LineCategory,
    {
        LineCategory.CONTRIBUTION: Label("Contributie", "Contribution"),
        LineCategory.ENTRY_FEE: Label("Toetredingsvergoeding", "Entry fee"),
        LineCategory.EXIT_CHARGE: Label("Uittredingsvergoeding", "Exit charge"),
        LineCategory.ALLOCATION: Label("Aandeel in een kostenpot", "Share of a cost pool"),
        LineCategory.SETTLEMENT: Label("Verrekening late deelnemer", "Late joiner settlement"),
        LineCategory.USAGE_FEE: Label("Gebruiksvergoeding", "Usage fee"),
    },
)
INVOICE_STATUS = labels(
    InvoiceStatus,
    {
        InvoiceStatus.DRAFT: Label("Concept", "Draft"),
        InvoiceStatus.ISSUED: Label("Openstaand", "Outstanding"),
        InvoiceStatus.PARTIALLY_PAID: Label("Deels betaald", "Partly paid"),
        InvoiceStatus.PAID: Label("Betaald", "Paid"),
        InvoiceStatus.CREDITED: Label("Gecrediteerd", "Credited"),
    },
)
CREDIT_CHOICE = labels(
    CreditChoice,
    {
        CreditChoice.CARRY: Label(
            "Verrekenen met de volgende factuur", "Deduct from the next invoice"
        ),
        CreditChoice.REFUND: Label("Terugbetalen", "Refund"),
    },
)
SETTLEMENT_KIND = labels(
    SettlementKind,
    {
        SettlementKind.STRIPE: Label("Online betaling", "Online payment"),
        SettlementKind.BANK_TRANSFER: Label("Bankoverschrijving", "Bank transfer"),
        SettlementKind.CREDIT_NOTE: Label("Creditnota", "Credit note"),
        SettlementKind.CARRIED: Label(
            "Tegoed voor een volgende factuur", "Credit for a next invoice"
        ),
        SettlementKind.REFUND: Label("Terugbetaling", "Refund"),
    },
)
DELIVERY_CHANNEL = labels(
    DeliveryChannel,
    {
        DeliveryChannel.EMAIL: Label("Per e-mail", "By e-mail"),
        DeliveryChannel.PEPPOL: Label("Via Peppol", "Through Peppol"),
    },
)
REMINDER_STAGE = labels(
    ReminderStage,
    {
        ReminderStage.FRIENDLY: Label("Vriendelijke herinnering", "Friendly reminder"),
        ReminderStage.SECOND: Label("Tweede herinnering", "Second reminder"),
        ReminderStage.NOTICE: Label("Aanmaning", "Formal notice"),
    },
)
