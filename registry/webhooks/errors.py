"""Refusals of the outgoing webhooks."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class WebhookRefusal(Refusal):
    """What the webhooks refuse, with the Dutch and English text."""

    FORBIDDEN = Text(
        "forbidden",
        "Alleen de directie en de beheerders van een lid (voor hun eigen lid) beheren webhooks.",
        "the management, and a member's admins for their own member, manage webhooks",
    )
    URL_INVALID = Text(
        "invalid_url",
        "Vul een volledige URL in, zoals https://voorbeeld.nl/webhook.",
        "a full URL, e.g. https://example.org/webhook",
    )
    URL_TOO_LONG = Text(
        "too_long", "Gebruik ten hoogste {limit} tekens.", "at most {limit} characters"
    )
    URL_NOT_HTTPS = Text(
        "not_https",
        "Gebruik een https-adres; http mag alleen naar deze machine in de ontwikkelmodus.",
        "use https; http only to this machine in development mode",
    )
    URL_NOT_PUBLIC = Text(
        "not_public",
        "Gebruik het adres van een systeem op internet, niet van deze machine of een intern"
        " netwerk.",
        "use the address of a system on the internet, not this machine or a private network",
    )
    NO_EVENTS = Text("no_events", "Kies ten minste één gebeurtenis.", "choose at least one event")
    UNKNOWN_EVENT = Text(
        "unknown_event", "Onbekende gebeurtenis: {event}.", "unknown event: {event}"
    )
    TOO_MANY = Text(
        "too_many_subscribers",
        "Een lid heeft ten hoogste {limit} webhooks; verwijder er eerst een.",
        "a member has at most {limit} webhooks; delete one first",
    )
    NO_SUBSCRIBER = Text("not_found", "Deze webhook bestaat niet (meer).", "no such webhook")
    NO_DELIVERY = Text("not_found", "Deze verzending bestaat niet.", "no such delivery")
