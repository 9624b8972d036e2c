"""Refusals of login, roles and API tokens."""

from __future__ import annotations

from registry.auth import labels  # noqa: F401  (refusals name roles by their labels)
from registry.kit.errors import Refusal, Text


class AuthRefusal(Refusal):
    """What the rules of roles, sessions and API tokens refuse, with the Dutch and English text."""

    LOGIN_REQUIRED = Text("login_required", "Log eerst in.", "log in first")
    ISSUER_REQUIRED = Text(
        "required",
        "Vul de inlogdienst in waarmee de persoon inlogt.",
        "the identity provider (issuer) is required",
    )
    SUBJECT_REQUIRED = Text(
        "required",
        "Vul de gebruikerscode in die de inlogdienst aan de persoon geeft.",
        "the subject (user id at the provider) is required",
    )
    UNKNOWN_ROLE = Text(
        "unknown_role",
        "Deze rol bestaat niet; kies uit: {allowed}.",
        "role must be one of: {allowed}",
    )
    MEMBER_FOR_ROLE_REQUIRED = Text(
        "required",
        "De rol {role} geldt voor één lid; vul in voor welk lid.",
        "{role} is a role for one member",
    )
    MEMBER_NOT_FOR_ROLE = Text(
        "not_allowed",
        "De rol {role} geldt voor het hele register, niet voor één lid; laat het lid leeg.",
        "{role} holds for the whole registry",
    )
    ASSIGN_FORBIDDEN = Text(
        "forbidden",
        "U mag de rol {role} niet toekennen.",
        "you may not assign the role {role}",
    )
    REVOKE_FORBIDDEN = Text(
        "forbidden",
        "U mag de rol {role} niet intrekken.",
        "you may not revoke the role {role}",
    )
    ROLE_HELD = Text(
        "duplicate",
        "Deze persoon heeft deze rol al.",
        "this person already has this role",
    )
    ROLE_NOT_HELD = Text(
        "not_found",
        "Deze persoon heeft deze rol niet.",
        "this person does not have this role",
    )
    TOKENS_FORBIDDEN = Text(
        "forbidden",
        "U mag de API-sleutels van {member} niet beheren.",
        "you may not manage API tokens of {member}",
    )
    TOKEN_NAME_REQUIRED = Text(
        "required",
        "Geef de API-sleutel een naam, bijvoorbeeld die van het programma dat hem gebruikt.",
        "give the token a name, e.g. the client that uses it",
    )
    TOKEN_PERMISSIONS_REQUIRED = Text(
        "required",
        "Geef de API-sleutel ten minste één recht.",
        "a token needs at least one permission",
    )
    UNKNOWN_PERMISSION = Text(
        "unknown_permission",
        "Dit recht bestaat niet; kies uit: {allowed}.",
        "allowed: {allowed}",
    )
    UNKNOWN_APPLICATION = Text(
        "unknown_application",
        "Er is geen applicatie '{application}'.",
        "no application '{application}'",
    )
    NO_TOKEN = Text("not_found", "Er is geen API-sleutel {token}.", "no API token {token}")
    NO_MANAGED_TOKEN = Text(
        "not_found",
        "Er is geen API-sleutel {token} die u beheert.",
        "no API token {token} that you manage",
    )
    TOKEN_REVOKED = Text(
        "already_revoked",
        "Deze API-sleutel is al ingetrokken.",
        "the token is already revoked",
    )
    LOG_OUT_ADMIN_ONLY = Text(
        "forbidden",
        "Alleen een beheerder van het register mag mensen overal afmelden.",
        "only an admin may log people out",
    )
    NO_PERSON = Text("not_found", "Persoon {person} is niet bekend.", "no person {person}")
    NO_PERSON_WITH_IDENTITY = Text(
        "not_found",
        "Er is geen persoon met deze inlogdienst en gebruikerscode.",
        "no person with this issuer and subject",
    )
