"""One settings object, read from the environment (prefix REGISTRY_)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


ReminderStageName = Literal["friendly", "second", "notice"]
ProposalKindName = Literal[
    "ordinary",
    "budget",
    "contribution_rate",
    "entry_fee",
    "admission",
    "contract_approval",
    "statutes_change",
    "dissolution",
]
"""The kinds of proposal of `registry/governance/rules.py` (a test keeps them the same)."""
BodyName = Literal["alv", "rvc", "directie"]
QuorumName = Literal["none", "majority", "two_thirds"]


def _qualified_kinds() -> list[ProposalKindName]:
    return ["statutes_change", "dissolution"]


def _quorum() -> dict[BodyName, QuorumName]:
    return {"alv": "none", "rvc": "majority", "directie": "none"}


def _notice_only() -> list[ReminderStageName]:
    return ["notice"]


class OidcProvider(BaseModel):
    """An identity provider a member's people log in with (OpenID Connect)."""

    key: str = Field(pattern=r"^[a-z0-9-]+$", description="Short name used in URLs")
    name: str
    issuer: str = Field(description="Issuer URL; its /.well-known/openid-configuration is read")
    client_id: str
    client_secret: SecretStr


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'registry.sqlite3'}",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    dev_mode: bool = Field(
        default=False,
        description="Development mode: GraphiQL on, and catalogue mutations allowed without login.",
    )
    dev_login: bool = Field(
        default=False,
        description="Log in as a demo person without an identity provider; development only.",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="Random key (at least 32 characters, e.g. secrets.token_urlsafe(48)) for "
        "the encrypted session cookie; required in production, generated per process in "
        "development mode.",
    )
    session_lifetime_hours: int = Field(
        default=8,
        ge=1,
        le=24 * 7,
        description="A login lasts this many hours from the moment of login, however busy it is.",
    )
    oidc_providers: list[OidcProvider] = Field(
        default_factory=list, description="JSON list of identity providers."
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where people reach the registry; login callbacks return here.",
    )
    four_eyes: bool = Field(
        default=True,
        description="Four-eyes approval: issuing invoices and credit notes and paying refunds "
        "need a second director to approve what the first prepared. Off only for a cooperative "
        "with one director; every document issued then says so.",
    )
    payment_term_days: int = Field(default=30, ge=1, le=365, description="Days to pay an invoice.")
    cooperative_name: str = "Coöperatie Samen Digitaal U.A."
    cooperative_street: str = "Stationsplein 1"
    cooperative_postal_code: str = "3511 ED"
    cooperative_city: str = "Utrecht"
    cooperative_kvk: str = Field(default="12345678", description="KvK number on invoices.")
    cooperative_vat_id: str | None = Field(default=None, description="VAT id on invoices.")
    cooperative_email: str = "facturen@samendigitaal.example"
    contact_email: str = Field(
        default="info@samendigitaal.example",
        description="Contact address on the public pages (about, privacy, accessibility, footer).",
    )
    contact_phone: str = Field(
        default="030 123 45 67", description="Telephone number on the public pages."
    )
    privacy_email: str = Field(
        default="privacy@samendigitaal.example",
        description="Where people send questions and requests about their personal data.",
    )
    cooperative_iban: str = Field(default="NL91ABNA0417164300", description="IBAN on invoices.")
    cooperative_bic: str | None = "ABNANL2A"
    bank_statement_max_bytes: int = Field(
        default=10_000_000,
        gt=0,
        description="Largest bank statement file (camt.053 or MT940) the registry reads, in bytes.",
    )
    bank_statement_max_entries: int = Field(
        default=20_000, gt=0, description="Most entries one bank statement file may hold."
    )
    stripe_api_key: SecretStr | None = Field(
        default=None,
        description="Stripe secret API key (sk_...); without it the registry takes no payments.",
    )
    stripe_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Signing secret (whsec_...) of the Stripe webhook endpoint; "
        "without it every webhook delivery is refused.",
    )
    stripe_publishable_key: str | None = Field(
        default=None,
        description="Stripe publishable key (pk_...) for the payment page; "
        "required with the API key.",
    )
    stripe_api_base: str | None = Field(
        default=None,
        description="Base URL of the Stripe API; unset for Stripe itself, "
        "or e.g. http://127.0.0.1:8420 for localstripe.",
    )
    stripe_js_url: str | None = Field(
        default=None,
        description="Where the payment page loads Stripe.js; unset for https://js.stripe.com/v3/, "
        "or localstripe's /js.stripe.com/v3/.",
    )
    reports_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "reports",
        description="Where report exports started on the pages or the API are written, "
        "a folder per export.",
    )
    worker_in_process: bool | None = Field(
        default=None,
        description="Run the job queue's worker inside the service process. Unset: yes on "
        "SQLite (the demo: its queue lives in the process), no on PostgreSQL (run "
        "`registry worker` beside the service).",
    )
    job_attempts: int = Field(
        default=4, ge=1, le=20, description="How often a failing job is tried in all."
    )
    job_retry_seconds: float = Field(
        default=30,
        ge=0,
        le=3600,
        description="Wait before a failed job is tried again; doubled at each next attempt.",
    )
    job_concurrency: int = Field(
        default=2, ge=1, le=32, description="Jobs one worker runs at the same time."
    )
    job_polling_seconds: float = Field(
        default=2,
        gt=0,
        le=60,
        description="How often an idle worker looks for jobs (PostgreSQL also notifies it).",
    )
    job_queue_connections: int = Field(
        default=4, ge=2, le=50, description="PostgreSQL connections of the job queue per process."
    )
    governance_proxies_per_holder: int = Field(
        default=1,
        ge=1,
        le=10,
        description="How many written proxies one member may hold at an ALV (the articles).",
    )
    governance_two_thirds: list[ProposalKindName] = Field(
        default_factory=_qualified_kinds,
        description="Kinds of proposal that need two thirds of the votes cast.",
    )
    governance_quorum: dict[BodyName, QuorumName] = Field(
        default_factory=_quorum,
        description="Quorum per body: none, majority or two_thirds of the seats.",
    )
    webhook_subscribers_per_member: int = Field(
        default=5, ge=1, le=100, description="How many webhook subscribers one member may have."
    )
    webhook_timeout_seconds: float = Field(
        default=10, gt=0, le=60, description="How long a webhook delivery waits for the receiver."
    )
    payment_retry_cron: str = Field(
        default="*/15 * * * *",
        description="When the worker retries payment requests the gateway did not answer (cron).",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server the outbox is sent through; unset: nothing is sent, the "
        "messages wait in the outbox (the directie reads them on /berichten).",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        default="starttls",
        description="none, starttls (upgrade a plain connection, usually port 587) or tls "
        "(TLS from the start, usually port 465).",
    )
    smtp_user: str | None = Field(default=None, description="SMTP login name, if it asks one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_timeout_seconds: float = Field(
        default=30, gt=0, le=300, description="How long one SMTP conversation may take."
    )
    mail_from: str = Field(
        default="facturen@samendigitaal.example",
        description="The From address of every message the registry sends.",
    )
    mail_cron: str = Field(
        default="* * * * *", description="When the worker sends the outbox's due messages (cron)."
    )
    mail_attempts: int = Field(
        default=6, ge=1, le=30, description="How often a message is tried before it fails."
    )
    mail_retry_seconds: float = Field(
        default=60,
        ge=0,
        le=86400,
        description="Wait before a message is tried again; doubled at each next attempt.",
    )
    mail_batch: int = Field(
        default=50, ge=1, le=1000, description="Messages one run of the sending job sends at most."
    )
    reminder_friendly_days: int = Field(
        default=14, ge=1, le=365, description="Days after the due date of the friendly reminder."
    )
    reminder_second_days: int = Field(
        default=28, ge=1, le=365, description="Days after the due date of the second reminder."
    )
    reminder_notice_days: int = Field(
        default=42,
        ge=1,
        le=365,
        description="Days after the due date of the formal notice (aanmaning).",
    )
    reminder_interest_stages: list[ReminderStageName] = Field(
        default_factory=_notice_only,
        description="The reminder stages that show the statutory commercial interest "
        "(wettelijke handelsrente) owed so far; it is never added to the invoice.",
    )
    reminder_cron: str = Field(
        default="0 7 * * *",
        description="When the worker sends the reminders that are due (cron).",
    )
    contract_rvc_threshold: Decimal = Field(
        default=Decimal(50000),
        ge=0,
        le=Decimal(10) ** 12,
        description="Contracts over this amount in euros need an RvC approval decision to be "
        "signed.",
    )
    contract_notice_days: int = Field(
        default=60,
        ge=1,
        le=730,
        description="Days before a contract's notice date (opzegdatum) that the directie is "
        "reminded and the contract is listed as near.",
    )
    contract_reminder_cron: str = Field(
        default="0 6 * * *",
        description="When the worker sends the reminders of contracts' notice dates (cron).",
    )
    directie_email: str | None = Field(
        default=None,
        description="The directie's address that reminders of contracts' notice dates go to; "
        "unset: no message, the directie's page lists the contracts.",
    )
    directie_language: Literal["nl", "en"] = Field(
        default="nl",
        description="The language of the messages to the directie (reminders of contracts' "
        "notice dates): nl or en.",
    )
    quarterly_report_weeks: int = Field(
        default=6,
        ge=1,
        le=26,
        description="Weeks after a quarter's end within which the quarterly report goes to "
        "the RvC (statutory calendar).",
    )
    peppol_endpoint: str | None = Field(
        default=None,
        description="URL of the Peppol access point that sends UBL invoices to members who "
        "receive them through Peppol; unset: Peppol delivery is not configured.",
    )
    peppol_token: SecretStr | None = Field(
        default=None, description="Bearer token of the Peppol access point."
    )
    rate_limit_graphql: int = Field(
        default=1200,
        ge=1,
        description="Requests per minute one client (IP address) may send to /graphql.",
    )
    rate_limit_login: int = Field(
        default=60,
        ge=1,
        description="Requests per minute one client (IP address) may send to the login and "
        "logout routes.",
    )
    backup_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "backups",
        description="Where `registry backup create` writes backups unless --to says otherwise.",
    )
    pg_bindir: Path | None = Field(
        default=None,
        description="Folder of pg_dump and pg_restore; unset: the ones on the PATH.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines as text (development) or as one JSON object a line (production).",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token Prometheus sends to read /metrics (at least 32 random "
        "characters); without it /metrics is off.",
    )
    journal_chart: Path | None = Field(
        default=None,
        description="TOML file with the chart of accounts of the journal export; unset: the "
        "shipped default (registry/journal/data/chart.toml).",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    default_language: str = "nl"
    sql_echo: bool = False

    def link(self, path: str) -> str:
        """The full address of one of the registry's pages (`/facturen/12`), for a mail that
        sends a person there or a login provider that sends them back: `public_url` with or
        without a closing slash."""
        return f"{self.public_url.rstrip('/')}{path}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
