"""The publiccode.yml page over HTTP: an upload is checked, a body over the limit is refused
before it is read, and the page is linked from every page's footer."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.audit.models import AuditEvent
from registry.catalogue import repository
from registry.catalogue.publiccode import MAX_BYTES
from registry.db import create_engine, create_session_factory
from registry.settings import Settings
from tests.helpers.pages import SESSION_SECRET, csrf_token_in, dev_settings, log_in_as

Client = AsyncTestClient[Any]
FILES = Path(__file__).parent.parent / "catalogue" / "publiccode"


@pytest.fixture
async def client(catalogue_db_url: str) -> AsyncIterator[Client]:
    """Over https, as the service is reached: the CSRF cookie is a secure one."""
    app = create_app(Settings(database_url=catalogue_db_url, session_secret=SESSION_SECRET))
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as test_client:
        yield test_client


async def _token(client: Client) -> str:
    page = await client.get("/publiccode/controleren")
    assert page.status_code == 200
    return csrf_token_in(page.text)


async def test_an_uploaded_file_is_checked(client: Client) -> None:
    token = await _token(client)
    broken = (FILES / "invalid/many-errors-v0.3.yml").read_bytes()
    response = await client.post(
        "/publiccode/controleren",
        data={"_csrf_token": token, "yaml": ""},
        files={"bestand": ("publiccode.yml", broken, "application/yaml")},
    )
    assert response.status_code == 200
    assert "Niet geldig: 15 fouten" in response.text
    assert "regel 12, kolom 7" not in response.text
    assert '<code class="utrecht-code">releaseDate</code>: &#39;2026-02-30&#39; is geen datum' in (
        response.text
    )


async def test_a_body_over_the_limit_is_refused(client: Client) -> None:
    token = await _token(client)
    response = await client.post(
        "/publiccode/controleren",
        data={"_csrf_token": token, "yaml": "x" * (3 * MAX_BYTES)},
    )
    assert response.status_code == 413


async def test_the_footer_links_the_page_and_the_feed(client: Client) -> None:
    home = (await client.get("/")).text
    assert 'href="/publiccode/controleren"' in home
    page = (await client.get("/publiccode/controleren")).text
    for path in (
        "/open-data/publiccode.json",
        "/open-data/publiccode.zip",
        "/open-data/catalogus.jsonld",
    ):
        assert f'href="{path}"' in page
        assert (await client.get(path)).status_code == 200


@pytest.fixture
async def directie(demo_url: str) -> AsyncIterator[Client]:
    """The directie, logged in through the development login, on a copy of its own."""
    app = create_app(dev_settings(demo_url))
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as test_client:
        await log_in_as(test_client, "dirk-directie")
        yield test_client


@pytest.fixture
async def copy_sessions(demo_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(demo_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def test_the_directie_sees_the_changes_then_stores_them(
    directie: Client, copy_sessions: async_sessionmaker[AsyncSession]
) -> None:
    token = csrf_token_in((await directie.get("/publiccode/importeren")).text)
    upload = (FILES / "valid/v0.4-full.yml").read_bytes()
    preview = await directie.post(
        "/publiccode/importeren",
        data={"_csrf_token": token, "stap": "bekijken", "slug": "zaken-van-buiten", "yaml": ""},
        files={"bestand": ("publiccode.yml", upload, "application/yaml")},
    )
    assert preview.status_code == 200
    assert "Nieuwe applicatie zaken-van-buiten" in preview.text
    rows = re.findall(
        r'<th class="utrecht-table__header-cell" scope="row">([^<]+)</th>', preview.text
    )
    assert rows == [
        "Naam",
        "Beschrijving (Nederlands)",
        "Beschrijving (Engels)",
        "Licentie",
        "Broncode",
        "Categorieën",
    ]
    assert '<td class="utrecht-table__cell">Documentbeheer, Workflowbeheer</td>' in preview.text
    async with copy_sessions() as session:
        assert await repository.application_by_slug(session, "zaken-van-buiten") is None

    store = dict(
        re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)"',
            preview.text.split("Wijzigingen opslaan")[0].rsplit("<form", 1)[1],
        )
    )
    assert store["stap"] == "opslaan"
    saved = await directie.post(
        "/publiccode/importeren",
        data={**store, "yaml": unescape(store["yaml"])},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/applicaties/zaken-van-buiten"
    async with copy_sessions() as session:
        created = await repository.application_by_slug(session, "zaken-van-buiten")
        assert created is not None
        assert created.name == "Zaakafhandelcomponent"


async def test_the_detail_page_names_categories_in_the_page_language(
    directie: Client, copy_sessions: async_sessionmaker[AsyncSession]
) -> None:
    token = csrf_token_in((await directie.get("/publiccode/importeren")).text)
    yaml = (FILES / "valid/v0.4-full.yml").read_text()
    data = {"_csrf_token": token, "stap": "opslaan", "slug": "zaken-van-buiten", "yaml": yaml}
    assert (await directie.post("/publiccode/importeren", data=data)).status_code == 200
    dutch = (await directie.get("/applicaties/zaken-van-buiten")).text
    assert ">Documentbeheer</a>" in dutch
    assert 'href="/?categorie=document-management"' in dutch
    catalogue = (await directie.get("/", params={"categorie": "workflow-management"})).text
    assert '<option value="workflow-management" selected>Workflowbeheer</option>' in catalogue
    english = (await directie.get("/applicaties/zaken-van-buiten", params={"lang": "en"})).text
    assert ">Document management</a>" in english


@pytest.fixture
async def wim(demo_url: str) -> AsyncIterator[Client]:
    """Woerden's member admin."""
    app = create_app(dev_settings(demo_url))
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as test_client:
        await log_in_as(test_client, "wim-woerden")
        yield test_client


async def test_a_member_admin_proposes_an_application_from_a_publiccode_yml(
    wim: Client, copy_sessions: async_sessionmaker[AsyncSession]
) -> None:
    propose = (await wim.get("/leden/woerden/voorstellen")).text
    assert 'href="/leden/woerden/publiccode"' in propose
    token = csrf_token_in((await wim.get("/leden/woerden/publiccode")).text)
    yaml = (FILES / "valid/v0.4-full.yml").read_text()
    data = {"_csrf_token": token, "slug": "zaken-van-buiten", "yaml": yaml}
    preview = await wim.post("/leden/woerden/publiccode", data={**data, "stap": "bekijken"})
    assert preview.status_code == 200
    assert "Voorstel indienen" in preview.text
    assert 'action="/leden/woerden/publiccode"' in preview.text
    async with copy_sessions() as session:
        assert await repository.application_by_slug(session, "zaken-van-buiten") is None

    saved = await wim.post(
        "/leden/woerden/publiccode", data={**data, "stap": "opslaan"}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/applicaties/zaken-van-buiten/beheer"
    async with copy_sessions() as session:
        proposed = await repository.application_by_slug(session, "zaken-van-buiten")
        assert proposed is not None
        assert not proposed.published, "a proposal waits for the directie"
        assert (await repository.categories_of(session, [proposed.id])) == {}, (
            "categories are the directie's"
        )


async def test_a_member_admin_imports_only_for_the_own_member(wim: Client) -> None:
    assert (await wim.get("/leden/eindhoven/publiccode")).status_code == 403
    token = csrf_token_in((await wim.get("/leden/woerden/publiccode")).text)
    yaml = (FILES / "valid/v0.4-full.yml").read_text()
    refused = await wim.post(
        "/leden/eindhoven/publiccode",
        data={"_csrf_token": token, "stap": "opslaan", "slug": "zaken", "yaml": yaml},
    )
    assert refused.status_code == 403


async def test_an_invalid_file_is_refused_on_the_page(directie: Client) -> None:
    token = csrf_token_in((await directie.get("/publiccode/importeren")).text)
    broken = (FILES / "invalid/contractor-until-missing.yml").read_text()
    refused = await directie.post(
        "/publiccode/importeren", data={"_csrf_token": token, "stap": "opslaan", "yaml": broken}
    )
    assert refused.status_code == 422
    assert "maintenance.contractors[0].until (12:7)</code>: ontbreekt" in refused.text
    assert broken.splitlines()[1] in unescape(refused.text), "the pasted text is kept"


async def test_the_import_page_is_for_the_directie(client: Client) -> None:
    response = await client.get("/publiccode/importeren", follow_redirects=False)
    assert response.status_code in (302, 303, 401, 403)


async def test_the_catalogue_search_finds_applications_by_the_standards_they_claim(
    client: Client,
) -> None:
    html = (await client.get("/", params={"zoek": "Common Ground"})).text
    found = set(re.findall(r'<th[^>]*scope="row">\s*<a[^>]*href="/applicaties/([^"]+)"', html))
    assert found == {"zaakafhandeling", "rapportage"}


async def _list_changes(session: AsyncSession) -> list[dict[str, Any]]:
    """What the audit log says changed in the demo application's lists, oldest first."""
    events = await session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "application", AuditEvent.entity_id == "zaakafhandeling")
        .order_by(AuditEvent.seq)
    )
    changes = [json.loads(e.after) for e in events if e.after]
    return [c for c in changes if set(c) <= {"categories", "reference_components"}]


async def test_the_directie_classifies_an_application_on_its_manage_page(
    directie: Client, wim: Client, copy_sessions: async_sessionmaker[AsyncSession]
) -> None:
    page = (await directie.get("/applicaties/zaakafhandeling/beheer")).text
    assert 'action="/applicaties/zaakafhandeling/indeling"' in page
    assert 'for="categorie-crm">Klantrelatiebeheer (CRM)</label>' in page
    token = csrf_token_in(page)
    stored = await directie.post(
        "/applicaties/zaakafhandeling/indeling",
        data={
            "_csrf_token": token,
            "reference_components": "Zaakafhandelcomponent\nZaakregistratiecomponent",
            "categorie": ["document-management", "workflow-management"],
        },
        follow_redirects=False,
    )
    assert stored.status_code == 303
    async with copy_sessions() as session:
        application = await repository.application_by_slug(session, "zaakafhandeling")
        assert application is not None
        assert (await repository.categories_of(session, [application.id]))[application.id] == [
            "document-management",
            "workflow-management",
        ]
        components = await repository.reference_components_of(session, [application.id])
        assert components[application.id] == ["Zaakafhandelcomponent", "Zaakregistratiecomponent"]
        assert await _list_changes(session) == [
            {"reference_components": ["Zaakafhandelcomponent", "Zaakregistratiecomponent"]},
            {"categories": ["document-management", "workflow-management"]},
        ]
    shown = (await directie.get("/applicaties/zaakafhandeling/beheer")).text
    assert "De indeling is opgeslagen." in shown
    again = await directie.post(
        "/applicaties/zaakafhandeling/indeling",
        data={
            "_csrf_token": token,
            "reference_components": "Zaakregistratiecomponent\nZaakafhandelcomponent",
            "categorie": ["workflow-management", "document-management"],
        },
        follow_redirects=False,
    )
    assert again.status_code == 303
    async with copy_sessions() as session:
        assert len(await _list_changes(session)) == 2, "the same lists again: no new event"
    assert (
        'id="categorie-workflow-management" name="categorie" value="workflow-management" checked'
        in shown
    )

    too_long = await directie.post(
        "/applicaties/zaakafhandeling/indeling",
        data={"_csrf_token": token, "reference_components": "x" * 201},
    )
    assert too_long.status_code == 422
    assert "Gebruik ten hoogste 200 tekens." in too_long.text
    async with copy_sessions() as session:
        components = await repository.reference_components_of(session, [application.id])
        assert len(components[application.id]) == 2, "nothing changed"

    token = csrf_token_in((await wim.get("/applicaties/zaakafhandeling/beheer")).text)
    refused = await wim.post(
        "/applicaties/zaakafhandeling/indeling",
        data={"_csrf_token": token, "categorie": "crm"},
    )
    assert refused.status_code == 403


async def test_the_directie_records_a_standards_owner_version_and_address(
    directie: Client, wim: Client
) -> None:
    page = (await directie.get("/standaarden")).text
    assert "Common Ground" in page
    token = csrf_token_in(page)
    form = {
        "_csrf_token": token,
        "name": "Common Ground",
        "owner": "VNG",
        "version": "2.0",
        "url": "https://commonground.nl",
    }
    stored = await directie.post("/standaarden", data=form, follow_redirects=False)
    assert stored.status_code == 303
    shown = (await directie.get("/standaarden")).text
    assert "De standaard Common Ground is opgeslagen." in shown
    assert 'href="https://commonground.nl/">Common Ground</a>' in shown
    assert '<td class="utrecht-table__cell">VNG</td>' in shown

    refused = await directie.post(
        "/standaarden", data={**form, "url": "ftp://commonground.nl", "version": "v" * 51}
    )
    assert refused.status_code == 422
    assert (
        "'ftp://commonground.nl' is geen webadres dat met http:// of https:// begint."
        in unescape(refused.text)
    )
    assert "Gebruik ten hoogste 50 tekens." in refused.text
    assert 'value="ftp://commonground.nl"' in refused.text, "what was typed is kept"
    assert '<td class="utrecht-table__cell">2.0</td>' in refused.text, "nothing changed"

    member_page = (await wim.get("/standaarden")).text
    assert 'action="/standaarden"' not in member_page
    assert (
        await wim.post("/standaarden", data={**form, "_csrf_token": csrf_token_in(member_page)})
    ).status_code == 403
