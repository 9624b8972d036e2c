"""Whether the settings make a service that can run, setting by setting, before it starts.

`registry config check` prints what `problems` finds and the service refuses to start with the
same findings (`registry.app.create_app`). Each finding names the environment variable
(REGISTRY_...) and says what is wrong in Dutch and English; a value that is not even of the
right type (pydantic refuses it when the settings are read) is reported by `unreadable`.
Secrets are never repeated in a finding.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from registry.journal.chart import parse_chart
from registry.journal.errors import JournalRefusal
from registry.kit.errors import (
    FieldError,
    Phrase,
    Refusal,
    Text,
    ValidationFailed,
    field_error,
)
from registry.kit.language import Language
from registry.settings import Settings


class ConfigRefusal(Refusal):
    """What is wrong with a setting."""

    UNREADABLE = Text(
        "setting_unreadable",
        "Deze waarde is niet te lezen: {reason}.",
        "this value cannot be read: {reason}.",
    )
    REQUIRED_IN_PRODUCTION = Text(
        "setting_required",
        "Verplicht buiten de ontwikkelomgeving. Maak er een met {command}",
        "required in production. Generate one with {command}",
    )
    WEAK_SECRET = Text(
        "setting_weak_secret",
        "Te zwak: {reason}. Maak een willekeurige met {command}",
        "too weak: {reason}. Generate a random one with {command}",
    )
    SECRET_SHORT = Text(
        "secret_short",
        "korter dan {length} tekens",
        "it is shorter than {length} characters",
    )
    SECRET_PATTERN = Text("secret_pattern", "het herhaalt een patroon", "it repeats a pattern")
    SECRET_RUN = Text(
        "secret_run",
        "het is grotendeels een reeks opeenvolgende tekens",
        "it is mostly a run of consecutive characters",
    )
    SECRET_NOT_RANDOM = Text(
        "secret_not_random",
        "de tekens zijn niet willekeurig genoeg ({bits} bits per teken)",
        "its characters are not random enough ({bits} bits each)",
    )
    SECRET_FEW_BITS = Text(
        "secret_few_bits",
        "het bevat ongeveer {bits} bits, minder dan {minimum}",
        "it holds about {bits} bits, fewer than {minimum}",
    )
    DEV_LOGIN_IN_PRODUCTION = Text(
        "setting_dev_only",
        "Alleen toegestaan met REGISTRY_DEV_MODE=true.",
        "only allowed with REGISTRY_DEV_MODE=true.",
    )
    NOT_A_URL = Text(
        "setting_not_a_url",
        "Geen volledig http(s)-adres met een host: '{value}'.",
        "not a complete http(s) URL with a host: '{value}'.",
    )
    NOT_HTTPS = Text(
        "setting_not_https",
        "Buiten de ontwikkelomgeving moet dit een https-adres zijn (http mag alleen naar deze "
        "machine zelf): '{value}'.",
        "must be an https URL in production (http only to this machine itself): '{value}'.",
    )
    DATABASE_URL = Text(
        "setting_database_url",
        "Geen database-adres dat het register kan gebruiken ({reason}); gebruik "
        "sqlite+aiosqlite:///pad of postgresql+asyncpg://gebruiker@host/database.",
        "not a database URL the registry can use ({reason}); use sqlite+aiosqlite:///path or "
        "postgresql+asyncpg://user@host/database.",
    )
    STRIPE_KEY_SHAPE = Text(
        "setting_stripe_key",
        "Geen Stripe-sleutel van de juiste soort: die begint met {prefix}.",
        "not a Stripe key of the right kind: it starts with {prefix}.",
    )
    STRIPE_NEEDS = Text(
        "setting_stripe_incomplete",
        "Met REGISTRY_STRIPE_API_KEY is ook {other} nodig.",
        "REGISTRY_STRIPE_API_KEY also needs {other}.",
    )
    STRIPE_MODES = Text(
        "setting_stripe_modes",
        "De API-sleutel en de publieke sleutel horen bij verschillende modi (test en live).",
        "the API key and the publishable key belong to different modes (test and live).",
    )
    DUPLICATE_PROVIDER = Text(
        "setting_duplicate_provider",
        "De inlogdienst '{key}' staat er meer dan eens in.",
        "the identity provider '{key}' is listed more than once.",
    )
    EMPTY = Text("setting_empty", "Mag niet leeg zijn.", "must not be empty.")
    NOT_AN_EMAIL = Text(
        "setting_not_an_email",
        "Geen e-mailadres: '{value}'.",
        "not an e-mail address: '{value}'.",
    )
    NOT_A_FOLDER = Text(
        "setting_not_a_folder",
        "Hier kan geen map worden gemaakt of beschreven: '{value}'.",
        "no folder can be made or written here: '{value}'.",
    )
    SMTP_NEEDS = Text(
        "setting_smtp_incomplete",
        "Met {given} is ook {other} nodig.",
        "{given} also needs {other}.",
    )
    SMTP_PLAIN_LOGIN = Text(
        "setting_smtp_plain_login",
        "Een SMTP-wachtwoord gaat niet onversleuteld over het netwerk: kies starttls of tls.",
        "an SMTP password is not sent unencrypted: choose starttls or tls.",
    )
    UNKNOWN_LANGUAGE = Text(
        "setting_language",
        "Onbekende taal '{value}'; kies nl of en.",
        "unknown language '{value}'; choose nl or en.",
    )


GENERATE_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 100
"""A random secret of this many bits cannot be guessed (`openssl rand -hex 16` has 128)."""
MIN_RANDOMNESS = 0.8
"""How close the characters' entropy must come to that of random characters of their kind."""
_HEX = frozenset("0123456789abcdef")
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_STRIPE_KEY = re.compile(r"(?P<kind>sk|rk|pk|whsec)_(?:(?P<mode>test|live)_)?[A-Za-z0-9_]+")


def _alphabet_size(secret: str) -> int:
    """How many characters a random secret of this kind draws from (hex, base64, ...)."""
    if secret.isdigit():
        return 10
    if set(secret.lower()) <= _HEX and (secret.islower() or secret.isupper()):
        return 16
    classes = (str.islower, str.isupper, str.isdigit)
    size = sum(n for test, n in zip(classes, (26, 26, 10), strict=True) if any(map(test, secret)))
    return size + (33 if any(not c.isalnum() for c in secret) else 0)


def _entropy_per_character(secret: str) -> float:
    """Shannon entropy of the characters with the Miller–Madow correction, which removes the
    bias of a short sample (32 random hex characters would otherwise look too regular)."""
    counts = Counter(secret)
    n = len(secret)
    plain = -sum(c / n * math.log2(c / n) for c in counts.values())
    return plain + (len(counts) - 1) / (2 * n * math.log(2))


def secret_weakness(secret: str) -> Phrase | None:
    """Why `secret` is too easy to guess for a key, or None when it looks random.

    Long enough is not random enough: "aaaa…", a phrase, or "0123456789abcdef…" pass a
    length check. Random hex, base64 or `secrets.token_urlsafe(48)` pass these checks.
    """
    if len(secret) < MIN_SECRET_LENGTH:
        return Phrase(ConfigRefusal.SECRET_SHORT, {"length": MIN_SECRET_LENGTH})
    for period in range(1, len(secret) // 2 + 1):
        if all(secret[i] == secret[i % period] for i in range(len(secret))):
            return Phrase(ConfigRefusal.SECRET_PATTERN)
    steps = [ord(b) - ord(a) for a, b in pairwise(secret)]
    if sum(1 for step in steps if abs(step) <= 1) * 2 > len(steps):
        return Phrase(ConfigRefusal.SECRET_RUN)
    entropy = _entropy_per_character(secret)
    # A short sample cannot show more different characters than it has.
    attainable = math.log2(min(_alphabet_size(secret), len(secret)))
    if entropy < MIN_RANDOMNESS * attainable:
        return Phrase(ConfigRefusal.SECRET_NOT_RANDOM, {"bits": f"{entropy:.1f}"})
    if entropy * len(secret) < MIN_SECRET_BITS:
        return Phrase(
            ConfigRefusal.SECRET_FEW_BITS,
            {"bits": f"{entropy * len(secret):.0f}", "minimum": MIN_SECRET_BITS},
        )
    return None


def env_name(field: str) -> str:
    """The environment variable of a setting (`session_secret` → REGISTRY_SESSION_SECRET)."""
    first = field.split(".")[0].split("[")[0]
    return f"REGISTRY_{first.upper()}" + field[len(first) :]


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


def _url_problem(field: str, url: str, *, production: bool) -> FieldError | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return field_error(field, ConfigRefusal.NOT_A_URL, value=url)
    if production and parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        return field_error(field, ConfigRefusal.NOT_HTTPS, value=url)
    return None


def _database_problems(url: str) -> Iterable[FieldError]:
    try:
        parsed = make_url(url)
    except ArgumentError:
        yield field_error("database_url", ConfigRefusal.DATABASE_URL, reason="unreadable")
        return
    driver = f"{parsed.get_backend_name()}+{parsed.get_driver_name()}"
    if driver not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        yield field_error("database_url", ConfigRefusal.DATABASE_URL, reason=driver)
    elif driver == "postgresql+asyncpg" and not parsed.database:
        yield field_error("database_url", ConfigRefusal.DATABASE_URL, reason="no database name")


def _secret_problems(
    field: str, value: SecretStr | None, *, required: bool
) -> Iterable[FieldError]:
    secret = _secret(value)
    if not secret:
        if required:
            yield field_error(field, ConfigRefusal.REQUIRED_IN_PRODUCTION, command=GENERATE_SECRET)
        return
    weakness = secret_weakness(secret)
    if weakness is not None:
        yield field_error(
            field, ConfigRefusal.WEAK_SECRET, reason=weakness, command=GENERATE_SECRET
        )


def _stripe_problems(settings: Settings) -> Iterable[FieldError]:
    keys = {
        "stripe_api_key": (_secret(settings.stripe_api_key), ("sk", "rk"), "sk_ / rk_"),
        "stripe_publishable_key": (settings.stripe_publishable_key or "", ("pk",), "pk_"),
        "stripe_webhook_secret": (_secret(settings.stripe_webhook_secret), ("whsec",), "whsec_"),
    }
    modes: dict[str, str | None] = {}
    for field, (value, kinds, prefix) in keys.items():
        if not value:
            continue
        shape = _STRIPE_KEY.fullmatch(value)
        if shape is None or shape["kind"] not in kinds:
            yield field_error(field, ConfigRefusal.STRIPE_KEY_SHAPE, prefix=prefix)
        else:
            modes[field] = shape["mode"]
    if keys["stripe_api_key"][0] and not keys["stripe_publishable_key"][0]:
        yield field_error(
            "stripe_publishable_key",
            ConfigRefusal.STRIPE_NEEDS,
            other="REGISTRY_STRIPE_PUBLISHABLE_KEY",
        )
    api_mode, public_mode = modes.get("stripe_api_key"), modes.get("stripe_publishable_key")
    if api_mode and public_mode and api_mode != public_mode:
        yield field_error("stripe_publishable_key", ConfigRefusal.STRIPE_MODES)
    for field in ("stripe_api_base", "stripe_js_url"):
        value = getattr(settings, field)
        if value is not None and (problem := _url_problem(field, value, production=False)):
            yield problem


def _mail_problems(settings: Settings, *, production: bool) -> Iterable[FieldError]:
    if settings.smtp_host is not None and not settings.smtp_host.strip():
        yield field_error("smtp_host", ConfigRefusal.EMPTY)
    if settings.smtp_user and not _secret(settings.smtp_password):
        yield field_error(
            "smtp_password",
            ConfigRefusal.SMTP_NEEDS,
            given="REGISTRY_SMTP_USER",
            other="REGISTRY_SMTP_PASSWORD",
        )
    if _secret(settings.smtp_password) and not settings.smtp_user:
        yield field_error(
            "smtp_user",
            ConfigRefusal.SMTP_NEEDS,
            given="REGISTRY_SMTP_PASSWORD",
            other="REGISTRY_SMTP_USER",
        )
    if settings.smtp_user and settings.smtp_tls == "none" and production:
        yield field_error("smtp_tls", ConfigRefusal.SMTP_PLAIN_LOGIN)
    if settings.peppol_endpoint is not None:
        if problem := _url_problem(
            "peppol_endpoint", settings.peppol_endpoint, production=production
        ):
            yield problem
        if not _secret(settings.peppol_token):
            yield field_error(
                "peppol_token",
                ConfigRefusal.SMTP_NEEDS,
                given="REGISTRY_PEPPOL_ENDPOINT",
                other="REGISTRY_PEPPOL_TOKEN",
            )


def _journal_problems(settings: Settings) -> Iterable[FieldError]:
    """A configured chart of accounts must be readable and give every kind of line, payment
    and VAT rate an account; the shipped default is checked by the tests."""
    if settings.journal_chart is None:
        return
    try:
        text = settings.journal_chart.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        yield field_error("journal_chart", JournalRefusal.CHART_UNREADABLE, detail=str(error))
        return
    try:
        parse_chart(text)
    except ValidationFailed as failed:
        yield from (FieldError("journal_chart", e.phrase) for e in failed.errors)


def _folder_problem(field: str, folder: Path) -> FieldError | None:
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK):
        return field_error(field, ConfigRefusal.NOT_A_FOLDER, value=str(folder))
    return None


def problems(settings: Settings) -> list[FieldError]:
    """Everything wrong with the settings, each on the setting it concerns (in field order)."""
    production = not settings.dev_mode
    found: list[FieldError] = []
    found += _database_problems(settings.database_url)
    if production and settings.dev_login:
        found.append(field_error("dev_login", ConfigRefusal.DEV_LOGIN_IN_PRODUCTION))
    found += _secret_problems("session_secret", settings.session_secret, required=production)
    found += _secret_problems("metrics_token", settings.metrics_token, required=False)
    if problem := _url_problem("public_url", settings.public_url, production=production):
        found.append(problem)
    keys = Counter(provider.key for provider in settings.oidc_providers)
    for index, provider in enumerate(settings.oidc_providers):
        field = f"oidc_providers[{index}]"
        if problem := _url_problem(f"{field}.issuer", provider.issuer, production=production):
            found.append(problem)
        if not provider.client_id.strip():
            found.append(field_error(f"{field}.client_id", ConfigRefusal.EMPTY))
        if not _secret(provider.client_secret):
            found.append(field_error(f"{field}.client_secret", ConfigRefusal.EMPTY))
    for key, count in keys.items():
        if count > 1:
            found.append(field_error("oidc_providers", ConfigRefusal.DUPLICATE_PROVIDER, key=key))
    found += _stripe_problems(settings)
    found += _mail_problems(settings, production=production)
    for field in ("cooperative_email", "contact_email", "privacy_email", "mail_from"):
        value = getattr(settings, field)
        if not _EMAIL.fullmatch(value):
            found.append(field_error(field, ConfigRefusal.NOT_AN_EMAIL, value=value))
    found += _journal_problems(settings)
    if problem := _folder_problem("reports_dir", settings.reports_dir):
        found.append(problem)
    if settings.default_language not in ("nl", "en"):
        found.append(
            field_error(
                "default_language", ConfigRefusal.UNKNOWN_LANGUAGE, value=settings.default_language
            )
        )
    return found


def unreadable(error: ValidationError) -> list[FieldError]:
    """What pydantic refused while reading the settings, per setting. The value itself is not
    repeated: it may be a secret."""
    return [
        field_error(
            ".".join(str(part) for part in detail["loc"]) or "settings",
            ConfigRefusal.UNREADABLE,
            reason=detail["msg"],
        )
        for detail in error.errors(include_input=False, include_url=False)
    ]


HEADINGS: dict[Language, str] = {
    "nl": "De instellingen zijn niet in orde; het register start zo niet:",
    "en": "The settings are not in order; the registry does not start like this:",
}


def lines(found: Iterable[FieldError], language: Language) -> list[str]:
    """One line per finding: the environment variable, then what is wrong."""
    return [f"{env_name(error.field)}: {error.text(language)}" for error in found]


def report(found: Iterable[FieldError], language: Language) -> str:
    return "\n".join([HEADINGS[language], *(f"  {line}" for line in lines(found, language))])
