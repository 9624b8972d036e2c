"""Refusals of four-eyes approval: who may prepare, approve, reject or withdraw what."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class ApprovalRefusal(Refusal):
    """What four-eyes approval refuses, with the wire code and the texts people read."""

    DIRECTORS_DECIDE = Text(
        "forbidden",
        "Alleen een bestuurder (directie) keurt een verzoek goed of af.",
        "only a director (the management) approves or rejects a request",
    )
    PERSON_REQUIRED = Text(
        "four_eyes_person_required",
        "Alleen een ingelogde persoon kan dit voorbereiden of goedkeuren.",
        "only a person who is logged in can prepare or approve this",
    )
    SAME_PERSON = Text(
        "four_eyes_same_person",
        "U heeft dit zelf voorbereid: een tweede bestuurder moet het goedkeuren of afwijzen.",
        "you prepared this yourself: a second director must approve or reject it",
    )
    NOT_PENDING = Text(
        "approval_not_pending",
        "Over dit verzoek is al beslist: het is {status}.",
        "this request has been decided already: it is {status}",
    )
    ONLY_PREPARER_WITHDRAWS = Text(
        "forbidden",
        "Alleen wie het verzoek voorbereidde, trekt het in.",
        "only the person who prepared the request withdraws it",
    )
    REASON_REQUIRED = Text(
        "rejection_reason_required",
        "Geef de reden van de afwijzing.",
        "give the reason for the rejection",
    )
    NO_REQUEST = Text(
        "no_approval_request",
        "Er is geen verzoek {request}.",
        "there is no request {request}",
    )
