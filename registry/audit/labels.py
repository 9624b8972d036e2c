"""Dutch and English labels of why the audit chain is broken."""

from __future__ import annotations

from registry.audit.chain import Reason
from registry.kit.labels import Label, labels
from registry.kit.language import Language

REASON = labels(
    Reason,
    {
        Reason.SEQ_GAP: Label(
            "gebeurtenissen ontbreken of staan niet op volgorde",
            "events are missing or out of order",
        ),
        Reason.PREV_HASH_MISMATCH: Label(
            "de verwijzing naar de vorige gebeurtenis klopt niet",
            "the link to the previous event does not match",
        ),
        Reason.HASH_MISMATCH: Label(
            "de inhoud is gewijzigd nadat die werd vastgelegd",
            "its content was changed after it was recorded",
        ),
        Reason.HEAD_MISMATCH: Label(
            "het einde van het log past niet bij de laatst vastgelegde gebeurtenis",
            "the end of the log does not match the last event recorded",
        ),
    },
)

ENTITY = {
    "adoption": Label("Adoptie", "Adoption"),
    "agenda_item": Label("Agendapunt", "Agenda item"),
    "attendance": Label("Aanwezigheid", "Attendance"),
    "body_person": Label("Persoon in een orgaan", "Person in a body"),
    "conflict_of_interest": Label("Tegenstrijdig belang", "Conflict of interest"),
    "meeting": Label("Vergadering", "Meeting"),
    "proxy": Label("Volmacht", "Proxy"),
    "vote": Label("Stem", "Vote"),
    "allocation_line": Label("Verdeelregel", "Allocation line"),
    "allocation_run": Label("Verdeelrun", "Allocation run"),
    "api_token": Label("API-token", "API token"),
    "application": Label("Applicatie", "Application"),
    "approval_request": Label("Verzoek om goedkeuring (vier ogen)", "Four-eyes approval request"),
    "application_category": Label("Categorie van een applicatie", "Application category"),
    "application_interest": Label("Belangstelling", "Interest"),
    "application_reference_component": Label(
        "Referentiecomponent van een applicatie", "Application reference component"
    ),
    "audit_chain_head": Label("Einde van het auditlog", "End of the audit log"),
    "audit_event": Label("Auditgebeurtenis", "Audit event"),
    "bank_allocation": Label("Koppeling van een bankboeking", "Bank entry allocation"),
    "bank_entry": Label("Bankboeking", "Bank entry"),
    "bank_statement": Label("Bankafschrift", "Bank statement"),
    "billing_account": Label("Factuurgegevens", "Billing details"),
    "budget": Label("Begroting", "Budget"),
    "budget_line": Label("Begrotingsregel", "Budget line"),
    "business_case": Label("Businesscase", "Business case"),
    "business_case_participant": Label(
        "Deelnemer aan een businesscase", "Business case participant"
    ),
    "community_member": Label("Deelname aan een gemeenschap", "Community membership"),
    "contribution_rate": Label("Contributietarief", "Contribution rate"),
    "contract": Label("Contract", "Contract"),
    "contract_reminder": Label("Herinnering opzegdatum", "Notice date reminder"),
    "cost_entry": Label("Kostenpost", "Cost entry"),
    "cost_pool": Label("Kostenpot", "Cost pool"),
    "decision": Label("Besluit", "Decision"),
    "fee_line": Label("Contributieregel", "Contribution line"),
    "fee_run": Label("Contributierun", "Contribution run"),
    "financial_year": Label("Boekjaar", "Financial year"),
    "gateway_event": Label("Betaalbericht", "Payment message"),
    "invoice": Label("Factuur", "Invoice"),
    "invoice_line": Label("Factuurregel", "Invoice line"),
    "invoice_number_counter": Label("Factuurnummering", "Invoice numbering"),
    "invoice_settlement": Label("Betaling of verrekening", "Payment or settlement"),
    "login_session": Label("Inlogsessie", "Login session"),
    "member": Label("Lid", "Member"),
    "member_bank_account": Label("Bankrekening van een lid", "Member's bank account"),
    "member_credit": Label("Tegoed van een lid", "Member credit"),
    "member_municipality": Label("Gemeente van een lid", "Member's municipality"),
    "membership": Label("Lidmaatschap", "Membership"),
    "message": Label("Bericht", "Message"),
    "message_attachment": Label("Bijlage van een bericht", "Message attachment"),
    "membership_signatory": Label("Ondertekenaar", "Signatory"),
    "municipality": Label("Gemeente", "Municipality"),
    "municipality_succession": Label("Gemeentelijke herindeling", "Municipal merger"),
    "opening_balance": Label("Beginbalans", "Opening balance"),
    "pool_participant": Label("Deelnemer aan een kostenpot", "Pool participant"),
    "population_figure": Label("Inwonertal", "Population figure"),
    "quarterly_report": Label("Kwartaalrapportage", "Quarterly report"),
    "reference_component": Label("Referentiecomponent", "Reference component"),
    "release": Label("Versie", "Release"),
    "reminder": Label("Herinnering", "Reminder"),
    "reminder_pause": Label("Pauze van herinneringen", "Reminders paused"),
    "report_export": Label("Rapportexport", "Report export"),
    "role_assignment": Label("Rol", "Role"),
    "standard": Label("Standaard", "Standard"),
    "standard_claim": Label("Ondersteunde standaard", "Supported standard"),
    "usage_record": Label("Gebruiksregistratie", "Usage record"),
    "usage_records": Label("Gebruiksmelding", "Usage report"),
    "usage_right": Label("Gebruiksrecht", "Usage right"),
    "usage_tariff": Label("Gebruikstarief", "Usage tariff"),
    "user": Label("Gebruiker", "User"),
    "user_account": Label("Gebruikersaccount", "User account"),
    "user_sessions": Label("Sessies van een gebruiker", "User sessions"),
    "vat_rule": Label("Btw-regel", "VAT rule"),
    "webhook_attempt": Label("Poging van een webhookbericht", "Webhook delivery attempt"),
    "webhook_delivery": Label("Webhookbericht", "Webhook delivery"),
    "webhook_subscriber": Label("Webhookabonnee", "Webhook subscriber"),
}
"""What each kind of record in the audit log is called (its `entity_type`: a table's name, or
a change set's such as `usage_records`)."""


def entity_label(entity_type: str, language: Language) -> str:
    """The kind of record as people read it; a kind without a label shows as it is stored."""
    found = ENTITY.get(entity_type)
    return found.text(language) if found else entity_type
