"""Logging in with the mock identity provider in headless Chromium, in production mode."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.web.conftest import LiveServer, OidcMock, csp_violations, give_role

pytestmark = [
    pytest.mark.browser,
    # The mock provider's own Authlib server code warns about its deprecated configuration.
    pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning"),
]


async def test_login_member_page_refusal_and_logout(
    login_page: Page,
    login_live_server: LiveServer,
    oidc_mock: OidcMock,
    members_db: async_sessionmaker[AsyncSession],
) -> None:
    page = login_page
    subject = f"wendy-{uuid.uuid4().hex[:6]}@woerden.example"
    await oidc_mock.set_user(subject, name="Wendy de Browser", email=subject)
    await give_role(members_db, oidc_mock.issuer, subject, "member_user", "woerden")
    violations = csp_violations(page)

    await page.goto("/inloggen")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    await page.get_by_role("link", name="Inloggen met Testinlogdienst").click()

    # The provider's own page: who to log in as.
    await expect(page).to_have_url(re.compile(rf"^{re.escape(oidc_mock.issuer)}/oauth2/authorize"))
    await page.get_by_placeholder("sub").fill(subject)
    await page.get_by_role("button", name="Authorize").click()

    # Back at the registry: /mijn (the default next page) leads to her own member page.
    await expect(page).to_have_url(f"{login_live_server.url}/leden/woerden")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Woerden")
    await expect(page.get_by_text("Wendy de Browser")).to_be_visible()
    cookies = {c["name"]: c for c in await page.context.cookies()}
    session = cookies["registry_session"]
    assert session["secure"]
    assert session["httpOnly"]
    assert session["sameSite"] == "Lax"

    response = await page.goto("/leden/eindhoven")
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")

    await page.get_by_role("button", name="Uitloggen").click()
    await expect(page).to_have_url(f"{login_live_server.url}/")
    await expect(page.get_by_role("link", name="Inloggen")).to_be_visible()

    await page.goto("/leden/woerden")
    await expect(page).to_have_url(f"{login_live_server.url}/inloggen?volgende=%2Fleden%2Fwoerden")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    # The round trip to the provider and every page on the way work under the CSP.
    assert violations == []
