"""Refusals of the HTTP adapters themselves: credentials, request rates, paging."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class HttpRefusal(Refusal):
    """What the pages and the API refuse before any domain rule is asked."""

    TOKEN_UNKNOWN = Text(
        "invalid_token",
        "Deze API-sleutel is onbekend of ingetrokken.",
        "the API token is unknown or revoked",
    )
    TOO_MANY_REQUESTS = Text(
        "rate_limited",
        "Te veel verzoeken; probeer het over {seconds} seconden opnieuw.",
        "too many requests; try again in {seconds} seconds",
    )
    PAGE_SIZE = Text(
        "out_of_range",
        "Vraag van 1 tot en met {limit} resultaten tegelijk op, niet {given}.",
        "must be between 1 and {limit}, got {given}",
    )
    NOT_A_CURSOR = Text(
        "invalid_cursor",
        "'{cursor}' is geen vervolgpositie die deze API heeft gegeven.",
        "'{cursor}' is not a cursor from this API",
    )
