"""Refusals of the messages domain."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class MessageRefusal(Refusal):
    DIRECTIE_READS_OUTBOX = Text(
        "forbidden",
        "Alleen de directie leest de verzonden berichten.",
        "only the management reads the outbox",
    )
    NO_MESSAGE = Text(
        "not_found",
        "Bericht {message} bestaat niet.",
        "message {message} does not exist",
    )
    NOT_FAILED = Text(
        "message_not_failed",
        "Bericht {message} is niet mislukt (status: {status}); alleen een mislukt bericht "
        "wordt opnieuw verzonden.",
        "message {message} has not failed (status: {status}); only a failed message is sent again",
    )
    INVALID_ADDRESS = Text(
        "invalid_email",
        "Vul een e-mailadres in, zoals facturen@woerden.nl.",
        "an e-mail address such as facturen@woerden.nl",
    )
    NO_RECIPIENT = Text(
        "recipient_required",
        "Een bericht heeft minstens één ontvanger nodig.",
        "a message needs at least one recipient",
    )
    PEPPOL_NOT_CONFIGURED = Text(
        "peppol_not_configured",
        "Verzenden via Peppol is niet ingesteld (geen toegangspunt); de factuur is niet verzonden.",
        "sending through Peppol is not configured (no access point); the invoice was not sent",
    )
    PEPPOL_NOT_SUPPORTED = Text(
        "peppol_not_configured",
        "Verzenden via een Peppol-toegangspunt is nog niet beschikbaar; "
        "kies verzending per e-mail voor dit lid.",
        "sending through a Peppol access point is not available yet; "
        "choose delivery by e-mail for this member",
    )
