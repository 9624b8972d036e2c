"""`registry config check` and the service's start refuse invalid settings with the same
per-setting findings, in Dutch or English."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from registry.app import create_app
from registry.configuration import ConfigRefusal, problems
from registry.http.security import InsecureConfiguration
from registry.settings import Settings

REGISTRY = str(Path(sys.executable).parent / "registry")
GOOD_SECRET = secrets.token_urlsafe(48)


def run(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it: only the given REGISTRY_ variables, no .env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "LC_", "LANG"))}
    env.update(settings)
    return subprocess.run(
        [REGISTRY, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def base(tmp_path: Path) -> dict[str, str]:
    return {
        "REGISTRY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}",
        "REGISTRY_SESSION_SECRET": GOOD_SECRET,
        "REGISTRY_REPORTS_DIR": str(tmp_path / "reports"),
    }


BROKEN = {
    "REGISTRY_SESSION_SECRET": "my-very-secret-session-key-for-the-registry",
    "REGISTRY_PUBLIC_URL": "http://registry.example.nl",
    "REGISTRY_STRIPE_API_KEY": "pk_live_abc",
    "REGISTRY_DATABASE_URL": "mysql://registry@db/registry",
    "REGISTRY_OIDC_PROVIDERS": '[{"key": "idp", "name": "IdP", "issuer": "idp.example.nl", '
    '"client_id": "registry", "client_secret": "s3cr3t-client"}]',
    "REGISTRY_METRICS_TOKEN": "metrics",
    "REGISTRY_CONTACT_EMAIL": "info at example",
}


def test_good_settings_pass(tmp_path: Path) -> None:
    result = run(tmp_path, "config", "check", **base(tmp_path), LANG="en_GB.UTF-8")
    assert result.returncode == 0, result.stderr
    assert "The settings are in order." in result.stdout
    dutch = run(tmp_path, "config", "check", **base(tmp_path), LANG="nl_NL.UTF-8")
    assert "De instellingen zijn in orde." in dutch.stdout


def test_every_broken_setting_is_named_with_what_is_wrong(tmp_path: Path) -> None:
    result = run(tmp_path, "config", "check", **{**base(tmp_path), **BROKEN}, LANG="en_GB.UTF-8")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "The settings are not in order; the registry does not start like this:"
    assert sorted(line.split(":")[0].strip() for line in lines[1:]) == sorted(
        [
            "REGISTRY_DATABASE_URL",
            "REGISTRY_SESSION_SECRET",
            "REGISTRY_METRICS_TOKEN",
            "REGISTRY_PUBLIC_URL",
            "REGISTRY_OIDC_PROVIDERS[0].issuer",
            "REGISTRY_STRIPE_API_KEY",
            "REGISTRY_STRIPE_PUBLISHABLE_KEY",
            "REGISTRY_CONTACT_EMAIL",
        ]
    )
    text = result.stderr
    assert "REGISTRY_SESSION_SECRET: too weak: " in text
    assert "REGISTRY_METRICS_TOKEN: too weak: it is shorter than 32 characters" in text
    assert "REGISTRY_PUBLIC_URL: must be an https URL in production" in text
    assert "REGISTRY_STRIPE_API_KEY: not a Stripe key of the right kind: it starts with sk_" in text
    assert "REGISTRY_DATABASE_URL: not a database URL the registry can use (mysql+" in text
    assert "not a complete http(s) URL with a host: 'idp.example.nl'" in text
    # Secrets are never repeated.
    for secret in ("my-very-secret-session-key", "pk_live_abc", "s3cr3t-client"):
        assert secret not in text


def test_the_findings_are_in_dutch_with_a_dutch_locale(tmp_path: Path) -> None:
    result = run(tmp_path, "config", "check", **{**base(tmp_path), **BROKEN}, LANG="nl_NL.UTF-8")
    assert result.returncode == 1
    assert result.stderr.startswith("De instellingen zijn niet in orde;")
    assert "REGISTRY_PUBLIC_URL: Buiten de ontwikkelomgeving moet dit een https-adres zijn" in (
        result.stderr
    )
    assert "REGISTRY_CONTACT_EMAIL: Geen e-mailadres: 'info at example'." in result.stderr


def test_a_value_of_the_wrong_type_is_named_without_repeating_it(tmp_path: Path) -> None:
    result = run(
        tmp_path, "config", "check", **base(tmp_path), REGISTRY_PORT="achtduizend", LANG="C"
    )
    assert result.returncode == 1
    assert "REGISTRY_PORT: this value cannot be read: Input should be a valid integer" in (
        result.stderr
    )
    assert "achtduizend" not in result.stderr


def test_the_service_refuses_to_start_with_the_same_findings(tmp_path: Path) -> None:
    settings = {**base(tmp_path), **BROKEN}
    checked = run(tmp_path, "config", "check", **settings, LANG="en_GB.UTF-8")
    served = run(tmp_path, "serve", "--port", "1", **settings, LANG="en_GB.UTF-8")
    assert served.returncode == 1
    assert served.stderr == checked.stderr
    assert "Uvicorn running" not in served.stderr


def test_create_app_refuses_what_the_check_finds(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'r.sqlite3'}",
        session_secret=GOOD_SECRET,
        stripe_api_key="sk_test_abc",
        stripe_publishable_key="pk_live_abc",
    )
    [finding] = problems(settings)
    assert finding.phrase.refusal is ConfigRefusal.STRIPE_MODES
    with pytest.raises(InsecureConfiguration, match="REGISTRY_STRIPE_PUBLISHABLE_KEY: "):
        create_app(settings)


def test_development_mode_needs_no_secret_and_allows_http() -> None:
    settings = Settings(
        _env_file=None,
        database_url="sqlite+aiosqlite://",
        dev_mode=True,
        public_url="http://registry.test:8000",
    )
    assert problems(settings) == []


def test_mail_settings_are_checked() -> None:
    def codes(**values: object) -> dict[str, str]:
        settings = Settings(dev_mode=False, session_secret=GOOD_SECRET, **values)  # type: ignore[arg-type]
        return {
            f.field: f.code
            for f in problems(settings)
            if f.field.startswith(("smtp", "mail", "peppol"))
        }

    assert codes() == {}
    assert codes(smtp_host="mail.example.nl", smtp_user="registry") == {
        "smtp_password": "setting_smtp_incomplete"
    }
    assert codes(smtp_host="mail.example.nl", smtp_password="s3cret") == {
        "smtp_user": "setting_smtp_incomplete"
    }
    assert codes(
        smtp_host="mail.example.nl", smtp_user="registry", smtp_password="s3cret", smtp_tls="none"
    ) == {"smtp_tls": "setting_smtp_plain_login"}
    assert codes(mail_from="facturen at example") == {"mail_from": "setting_not_an_email"}
    assert codes(peppol_endpoint="http://ap.example.nl/send") == {
        "peppol_endpoint": "setting_not_https",
        "peppol_token": "setting_smtp_incomplete",
    }


def test_a_configured_chart_of_accounts_is_checked(tmp_path: Path) -> None:
    from registry.journal.chart import default_chart_text

    def found(chart: Path) -> list[str]:
        settings = Settings(dev_mode=True, journal_chart=chart)
        return [f.message for f in problems(settings) if f.field == "journal_chart"]

    chart = tmp_path / "chart.toml"
    chart.write_text(default_chart_text())
    assert found(chart) == []
    chart.write_text(default_chart_text().replace('usage_fee = "8200"\n', ""))
    assert found(chart) == ["the chart of accounts assigns no ledger account to revenue.usage_fee"]
    chart.write_text("[accounts\n")
    assert found(chart)[0].startswith("the chart of accounts cannot be read as a TOML file")
    assert found(tmp_path / "missing.toml")[0].startswith("the chart of accounts cannot be read")
