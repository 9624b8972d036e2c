"""Refusals of the contracts register."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class ContractsRefusal(Refusal):
    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie beheert het contractenregister.",
        "only the management manages the contracts register",
    )
    READERS_ONLY = Text(
        "forbidden",
        "Alleen de directie en de auditors zien het contractenregister.",
        "only the management and auditors see the contracts register",
    )
    NO_CONTRACT = Text(
        "not_found", "Er is geen contract '{reference}'.", "no contract '{reference}'"
    )
    REFERENCE_REQUIRED = Text(
        "required", "Vul een kenmerk voor het contract in.", "a contract reference is required"
    )
    REFERENCE_TAKEN = Text(
        "duplicate",
        "Er bestaat al een ander contract met kenmerk '{reference}'.",
        "another contract with reference '{reference}' already exists",
    )
    SUPPLIER_REQUIRED = Text("required", "Vul de leverancier in.", "a supplier is required")
    SUBJECT_REQUIRED = Text(
        "required", "Vul het onderwerp van het contract in.", "a subject is required"
    )
    TOO_LONG = Text(
        "too_long",
        "Gebruik hooguit {limit} tekens.",
        "use at most {limit} characters",
    )
    INVALID_AMOUNT = Text(
        "invalid_amount",
        "Vul het bedrag in euro in: {reason}",
        "enter the amount in euros: {reason}",
    )
    NEGATIVE_AMOUNT = Text(
        "negative_amount",
        "Het bedrag van een contract is nul of meer.",
        "a contract's amount is zero or more",
    )
    END_BEFORE_START = Text(
        "end_before_start",
        "De einddatum ligt vóór de begindatum.",
        "the end date is before the start date",
    )
    NOTICE_AFTER_END = Text(
        "notice_after_end",
        "De opzegdatum ligt na de einddatum van het contract.",
        "the notice date is after the contract's end date",
    )
    INVALID_NOTICE_PERIOD = Text(
        "invalid_notice_period",
        "Een opzegtermijn is een aantal maanden van 0 tot en met 120.",
        "a notice period is a number of months from 0 to 120",
    )
    UNKNOWN_APPLICATION = Text(
        "unknown_application",
        "Er is geen applicatie '{application}'.",
        "no application '{application}'",
    )
    UNKNOWN_POOL = Text("unknown_pool", "Er is geen kostenpool '{pool}'.", "no cost pool '{pool}'")
    NOT_DRAFT = Text(
        "not_draft",
        "Contract {reference} is al {status}; alleen een concept kan worden ondertekend.",
        "contract {reference} is already {status}; only a draft can be signed",
    )
    NOT_SIGNED = Text(
        "not_signed",
        "Contract {reference} is {status}; alleen een ondertekend contract kan eindigen.",
        "contract {reference} is {status}; only a signed contract can end",
    )
    RVC_APPROVAL_REQUIRED = Text(
        "rvc_approval_required",
        "Een contract boven {threshold} heeft de goedkeuring van de RvC nodig: vul het kenmerk"
        " van het RvC-besluit in.",
        "a contract over {threshold} needs the approval of the supervisory board: enter the"
        " reference of the RvC decision",
    )
    APPROVAL_AFTER_SIGNING = Text(
        "approval_after_signing",
        "Het RvC-besluit {reference} is genomen na de datum van ondertekening.",
        "RvC decision {reference} was taken after the signing date",
    )
    SIGNED_BEFORE_START = Text(
        "ended_before_signing",
        "De einddatum ligt vóór de datum van ondertekening.",
        "the end date is before the signing date",
    )
