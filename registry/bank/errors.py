"""Refusals of bank statements: reading a file, the review queue and the members' accounts."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class BankRefusal(Refusal):
    """What the bank domain refuses, with the wire code and the Dutch and English texts."""

    DIRECTIE_IMPORTS = Text(
        "forbidden",
        "Alleen de directie leest bankafschriften in.",
        "only the management imports bank statements",
    )
    DIRECTIE_REVIEWS = Text(
        "forbidden",
        "Alleen de directie handelt bankboekingen af.",
        "only the management reviews bank entries",
    )
    FINANCE_READS = Text(
        "forbidden",
        "Alleen de directie en de accountant zien de bankafschriften.",
        "only the management and the auditor see bank statements",
    )
    DIRECTIE_KEEPS_ACCOUNTS = Text(
        "forbidden",
        "Alleen de directie legt de bankrekeningen van leden vast.",
        "only the management records members' bank accounts",
    )
    # Reading a file: what is wrong, and where.
    EMPTY_FILE = Text("empty_file", "Het bestand is leeg.", "the file is empty")
    FILE_TOO_LARGE = Text(
        "file_too_large",
        "Het bestand is groter dan {limit}.",
        "the file is larger than {limit}",
    )
    TOO_MANY_ENTRIES = Text(
        "too_many_entries",
        "Het bestand heeft meer dan {limit} boekingen.",
        "the file has more than {limit} entries",
    )
    UNKNOWN_FORMAT = Text(
        "unknown_format",
        "Dit is geen bankafschrift in camt.053 of MT940.",
        "this is not a camt.053 or MT940 bank statement",
    )
    XML_MALFORMED = Text(
        "xml_malformed",
        "Het XML-bestand is niet goed gevormd op regel {line}.",
        "the XML file is not well-formed at line {line}",
    )
    CAMT_VERSION = Text(
        "unsupported_version",
        "Het XML-bestand is geen camt.053-afschrift (naamruimte {namespace}).",
        "the XML file is not a camt.053 statement (namespace {namespace})",
    )
    ELEMENT_MISSING = Text(
        "element_missing",
        "Het element {element} ontbreekt in {parent} op regel {line}.",
        "element {element} is missing in {parent} at line {line}",
    )
    ELEMENT_INVALID = Text(
        "element_invalid",
        "Het element {element} op regel {line} heeft een ongeldige waarde: {value}.",
        "element {element} at line {line} has an invalid value: {value}",
    )
    TAG_INVALID = Text(
        "tag_invalid",
        "Het MT940-veld :{tag}: op regel {line} is onleesbaar.",
        "MT940 field :{tag}: at line {line} cannot be read",
    )
    TAG_MISSING = Text(
        "tag_missing",
        "Het MT940-veld :{tag}: ontbreekt in afschrift {statement}.",
        "MT940 field :{tag}: is missing in statement {statement}",
    )
    NOT_BASE64 = Text(
        "not_base64",
        "De inhoud is geen geldige base64.",
        "the content is not valid base64",
    )
    NO_STATEMENT = Text(
        "no_statement",
        "Het bestand bevat geen afschrift.",
        "the file holds no statement",
    )
    NOT_EURO = Text(
        "not_euro",
        "Er staat een bedrag in {currency} in (regel {line}); het register boekt alleen euro's.",
        "it has an amount in {currency} (line {line}); the registry books euros only",
    )
    INVALID_IBAN = Text(
        "invalid_iban",
        "{iban} is geen geldig IBAN.",
        "{iban} is not a valid IBAN",
    )
    ACCOUNT_IBAN_INVALID = Text(
        "invalid_iban",
        "Het rekeningnummer van afschrift {statement} is geen geldig IBAN: {iban}.",
        "the account of statement {statement} is not a valid IBAN: {iban}",
    )
    # The review queue.
    INVALID_ENTRY_ID = Text("invalid_id", "Onbekende boeking.", "unknown entry")
    NO_ENTRY = Text("not_found", "Boeking {entry} bestaat niet.", "entry {entry} does not exist")
    NO_STATEMENT_FOUND = Text(
        "not_found",
        "Afschrift {statement} bestaat niet.",
        "statement {statement} does not exist",
    )
    ALREADY_RESOLVED = Text(
        "already_resolved",
        "Deze boeking is al afgehandeld.",
        "this entry has been dealt with already",
    )
    NO_PARTS = Text(
        "required",
        "Kies ten minste één factuur.",
        "choose at least one invoice",
    )
    TOO_MANY_PARTS = Text(
        "too_many_parts",
        "Verdeel een boeking over ten hoogste {limit} facturen.",
        "split an entry over at most {limit} invoices",
    )
    INVOICE_TWICE = Text(
        "invoice_twice",
        "Factuur {invoice} staat meer dan eens in de verdeling.",
        "invoice {invoice} is in the split more than once",
    )
    PARTS_DO_NOT_ADD_UP = Text(
        "parts_do_not_add_up",
        "De delen tellen op tot {total}; de boeking is {amount}.",
        "the parts add up to {total}; the entry is {amount}",
    )
    WRONG_DOCUMENT = Text(
        "wrong_document",
        "Geld dat binnenkomt hoort bij een factuur, geld dat uitgaat bij een creditnota.",
        "money received belongs to an invoice, money paid out to a credit note",
    )
    UNKNOWN_INVOICE = Text(
        "not_found",
        "Factuur {invoice} bestaat niet.",
        "invoice {invoice} does not exist",
    )
    REASON_REQUIRED = Text(
        "reason_required",
        "Geef aan waarom de boeking niet bij een factuur hoort.",
        "say why the entry does not belong to an invoice",
    )
    REASON_TOO_LONG = Text(
        "too_long",
        "De reden is langer dan {limit} tekens.",
        "the reason is longer than {limit} characters",
    )
    CONTROL_CHARACTERS = Text(
        "invalid_text",
        "De tekst bevat tekens die niet in tekst horen.",
        "the text holds characters that do not belong in text",
    )
    # Members' accounts.
    UNKNOWN_MEMBER = Text("unknown_member", "Lid {member} bestaat niet.", "no member {member}")
    IBAN_TAKEN = Text(
        "iban_taken",
        "IBAN {iban} hoort al bij {member}.",
        "IBAN {iban} belongs to {member} already",
    )
