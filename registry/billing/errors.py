"""Refusals of the billing domain: invoicing, credit notes, payments and their pages and API."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class BillingRefusal(Refusal):
    """What billing refuses, with the wire code API clients compare and the texts people read."""

    # Who may do what: the refusal says what was refused, never why in detail.
    DIRECTIE_RUNS_INVOICING = Text(
        "forbidden",
        "Alleen de directie voert de facturatie uit.",
        "only the management runs invoicing",
    )
    DIRECTIE_ISSUES_INVOICES = Text(
        "forbidden",
        "Alleen de directie geeft facturen uit.",
        "only the management issues invoices",
    )
    DIRECTIE_DISCARDS_DRAFTS = Text(
        "forbidden",
        "Alleen de directie verwijdert conceptfacturen.",
        "only the management discards drafts",
    )
    DIRECTIE_ISSUES_CREDIT_NOTES = Text(
        "forbidden",
        "Alleen de directie geeft creditnota's uit.",
        "only the management issues credit notes",
    )
    DIRECTIE_CONFIGURES_VAT = Text(
        "forbidden",
        "Alleen de directie stelt de btw in.",
        "only the management configures VAT",
    )
    DIRECTIE_RECORDS_TRANSFERS = Text(
        "forbidden",
        "Alleen de directie legt overboekingen vast.",
        "only the management records transfers",
    )
    DIRECTIE_RECONCILES = Text(
        "forbidden",
        "Alleen de directie vergelijkt de betalingen met de betaaldienst.",
        "only the management reconciles payments",
    )
    DETAILS_BY_ADMINS = Text(
        "forbidden",
        "De factuurgegevens worden bijgehouden door de beheerders van het lid en de directie.",
        "invoice details are kept by the member's admins and the management",
    )
    INVOICES_OF_OWN_MEMBER = Text(
        "forbidden",
        "De facturen van een lid zijn alleen voor dat lid zelf zichtbaar.",
        "a member's invoices are its own",
    )
    MEMBER_ADMINS_PAY = Text(
        "forbidden",
        "Alleen de beheerders van het lid kunnen de factuur online betalen.",
        "the member's admins pay",
    )

    # Reading invoices
    NO_INVOICE = Text(
        "not_found",
        "Er is geen factuur met kenmerk {invoice}.",
        "no invoice with id {invoice}",
    )
    NO_DOCUMENT_FOR_DRAFT = Text(
        "not_issued",
        "Een conceptfactuur heeft nog geen document.",
        "a draft has no document yet",
    )
    INVALID_INVOICE_ID = Text(
        "invalid_id",
        "Dit verwijst niet naar een factuur.",
        "not an invoice id",
    )

    # Invoice details of a member
    STREET_REQUIRED = Text(
        "required",
        "Vul de straat en het huisnummer in.",
        "a street and number is required",
    )
    CITY_REQUIRED = Text("required", "Vul de plaats in.", "a city is required")
    INVALID_POSTAL_CODE = Text(
        "invalid_postal_code",
        "Vul een Nederlandse postcode in, zoals 3441 EM.",
        "a Dutch postal code such as 3441 EM",
    )
    DIRECTIE_PAUSES_REMINDERS = Text(
        "forbidden",
        "Alleen de directie pauzeert herinneringen.",
        "only the management pauses reminders",
    )
    PAUSE_REASON_REQUIRED = Text(
        "reason_required",
        "Geef aan waarom de herinneringen worden gepauzeerd.",
        "say why the reminders are paused",
    )
    PAUSE_REASON_TOO_LONG = Text(
        "too_long",
        "De reden is te lang (hoogstens {limit} tekens).",
        "the reason is too long (at most {limit} characters)",
    )
    UNKNOWN_LANGUAGE = Text(
        "unknown_language",
        "Kies Nederlands of Engels.",
        "choose Dutch or English",
    )
    INVALID_EMAIL = Text(
        "invalid_email",
        "Vul een e-mailadres in, zoals facturen@woerden.nl.",
        "an e-mail address such as facturen@woerden.nl",
    )

    # VAT rules
    INVALID_RATE = Text("invalid_rate", "Ongeldig tarief: {reason}", "{reason}")
    RATE_ABOVE_100 = Text(
        "invalid_rate",
        "Vul een percentage in van ten hoogste 100.",
        "a percentage up to 100",
    )
    RATE_REQUIRED = Text(
        "rate_required",
        "Bij de btw-categorie standaardtarief hoort een tarief hoger dan 0.",
        "standard-rated VAT needs a rate above 0",
    )
    RATE_NOT_ZERO = Text(
        "rate_not_zero",
        "Bij btw-categorie {category} hoort het tarief 0.",
        "VAT category {category} has rate 0",
    )
    EXEMPTION_REASON_REQUIRED = Text(
        "required",
        "Vermeld waarom er geen btw wordt berekend; dit staat op de facturen.",
        "say why no VAT is charged (shown on invoices)",
    )

    # Invoice runs, drafts and issuing
    UNKNOWN_MEMBERS = Text(
        "unknown_member",
        "Er is geen lid met de code {codes}.",
        "no member with code {codes}",
    )
    VAT_RULE_MISSING = Text(
        "vat_rule_missing",
        "Stel eerst de btw in voor {categories}.",
        "set the VAT of {categories} first",
    )
    NOT_A_DRAFT = Text(
        "not_a_draft",
        "Een uitgegeven factuur wordt nooit verwijderd; maak er een creditnota voor.",
        "an issued invoice is never deleted; credit it instead",
    )
    ALREADY_ISSUED = Text(
        "already_issued",
        "Factuur {number} is al uitgegeven.",
        "{number} is issued",
    )
    CREDIT_CHOICE_REQUIRED = Text(
        "choice_required",
        "Dit concept is per saldo een tegoed: kies of het tegoed wordt verrekend met de"
        " volgende factuur of wordt terugbetaald.",
        "this draft is a net credit: carry it to the next invoice or refund it",
    )
    IDENTIFIER_MISSING = Text(
        "identifier_missing",
        "{member} heeft geen OIN en geen KvK-nummer, waaraan een e-factuur kan worden"
        " geadresseerd.",
        "{member} has neither an OIN nor a KvK number to address an e-invoice to",
    )
    BILLING_DETAILS_MISSING = Text(
        "billing_details_missing",
        "{member} heeft nog geen factuuradres; leg eerst de factuurgegevens vast.",
        "{member} has no invoice address yet; record its invoice details first",
    )
    NOTHING_TO_CREDIT = Text(
        "nothing_to_credit",
        "{member} heeft geen uitgegeven factuur waarnaar deze creditnota kan verwijzen.",
        "{member} has no issued invoice this credit note can refer to",
    )
    BILLED_MEANWHILE = Text(
        "billed_meanwhile",
        "Regel {line} ({description}) is gefactureerd of gewijzigd nadat dit concept werd"
        " gemaakt; voer de facturatie opnieuw uit om het concept opnieuw op te bouwen.",
        "line {line} ({description}) was billed or changed after this draft was made; run"
        " invoicing again to rebuild the draft",
    )

    # Credit notes
    NOT_CREDITABLE = Text(
        "not_creditable",
        "Alleen een uitgegeven factuur kan worden gecrediteerd.",
        "only an issued invoice can be credited",
    )
    CREDIT_REASON_REQUIRED = Text(
        "required",
        "Vermeld waarom de factuur wordt gecorrigeerd.",
        "say why the invoice is corrected",
    )
    UNKNOWN_LINE = Text(
        "unknown_line",
        "De factuur heeft geen regel {line}.",
        "the invoice has no line {line}",
    )
    NOT_A_LINE_NUMBER = Text("unknown_line", "Dit is geen regelnummer.", "not a line number")
    NO_LINES_CHOSEN = Text(
        "required",
        "Kies ten minste één regel om te crediteren.",
        "choose at least one line to credit",
    )
    ALREADY_CREDITED = Text(
        "already_credited",
        "Regel {line} is al eerder gecrediteerd.",
        "line {line} was credited before",
    )
    UNKNOWN_CREDIT_CHOICE = Text(
        "unknown_choice",
        "Kies of het tegoed wordt verrekend of terugbetaald.",
        "carry the credit or refund it",
    )
    CREDIT_CHOICE_MISSING = Text(
        "choice_required",
        "Kies of het tegoed wordt verrekend of terugbetaald.",
        "carry the credit or refund it",
    )

    # Bank transfers and refunds
    INVALID_AMOUNT = Text("invalid_amount", "Ongeldig bedrag: {reason}", "{reason}")
    AMOUNT_NOT_POSITIVE = Text(
        "invalid_amount",
        "Het bedrag moet groter zijn dan nul.",
        "must be more than zero",
    )
    AMOUNT_ABOVE_OPEN = Text(
        "invalid_amount",
        "Het bedrag is hoger dan de {open} die nog openstaat.",
        "more than the {open} still open",
    )
    TRANSFER_REFERENCE_REQUIRED = Text(
        "required",
        "Vul het kenmerk in dat de bank aan de overboeking gaf.",
        "the bank's reference of the transfer",
    )
    TRANSFER_IN_FUTURE = Text(
        "in_future",
        "Een overboeking kan niet na vandaag gedateerd zijn.",
        "a transfer cannot be dated after today",
    )
    DRAFT_NOT_PAYABLE = Text(
        "not_issued",
        "Een conceptfactuur kan niet worden betaald; geef haar eerst uit.",
        "a draft cannot be paid; issue it first",
    )
    DUPLICATE_REFERENCE = Text(
        "duplicate_reference",
        "Een overboeking met kenmerk '{reference}' is al vastgelegd.",
        "a transfer '{reference}' is recorded already",
    )
    INVALID_DATE = Text(
        "invalid_date",
        "Dit is geen datum; schrijf bijvoorbeeld 2025-01-31 (jaar-maand-dag).",
        "not a date (YYYY-MM-DD)",
    )
    UNTIL_TOO_LATE = Text(
        "until_too_late",
        "Factureer tot en met uiterlijk {last}, het einde van dit jaar.",
        "invoice up to {last} at the latest, the end of this year",
    )

    # Paying online
    NOT_PAYABLE = Text(
        "not_payable",
        "Op deze factuur staat niets meer open.",
        "nothing is open on this invoice",
    )
    ALREADY_PAID = Text(
        "already_paid",
        "Deze factuur is al betaald.",
        "this invoice has been paid already",
    )
    INVOICE_CREDITED = Text(
        "invoice_credited",
        "Deze factuur is gecrediteerd; er valt niets meer te betalen.",
        "this invoice has been credited; there is nothing left to pay",
    )
    PARTLY_SETTLED = Text(
        "partly_settled",
        "Een deel van deze factuur is al voldaan; betaal het restant per bankoverschrijving.",
        "part of this invoice is settled already; pay the rest by bank transfer",
    )
    PAYMENTS_OFF = Text(
        "payments_off",
        "Online betalen staat uit; betaal per bankoverschrijving.",
        "online payment is switched off; pay by bank transfer",
    )
    PAYMENTS_OFF_NOTHING_TO_COMPARE = Text(
        "payments_off",
        "Online betalen staat uit: er is geen betaaldienst om mee te vergelijken.",
        "online payment is switched off: there is no payment service to compare with",
    )
    GATEWAY_UNAVAILABLE = Text(
        "gateway_unavailable",
        "De betaaldienst is niet bereikbaar; probeer het later opnieuw.",
        "the payment service cannot be reached; try later",
    )
    NO_CARD = Text("invalid_card", "Er is geen betaalkaart opgegeven.", "no card was given")
    CARD_DECLINED = Text(
        "card_declined",
        "De bank of kaartuitgever heeft de betaling geweigerd: {reason}",
        "{reason}",
    )
    CARD_DECLINED_UNEXPLAINED = Text(
        "card_declined",
        "De bank of kaartuitgever heeft de betaling geweigerd.",
        "the card was declined",
    )
