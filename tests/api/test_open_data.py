"""The catalogue as open data: each application's publiccode.yml, the JSON index, the zip and
the DCAT-AP-style JSON-LD, with ETag, Last-Modified and 304, on the real app and the demo."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import pytest
import yaml
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.auth.roles import system_actor
from registry.catalogue.publiccode import validate
from registry.catalogue.service import update_application
from registry.db import transaction
from registry.demo import APPLICATIONS
from registry.settings import Settings
from registry.usage import open_data
from registry.usage.users import users_of_applications
from tests.helpers.graphql import GraphQLClient, graphql_client
from tests.helpers.pages import SESSION_SECRET

pytestmark = pytest.mark.usefixtures("demo")

PUBLISHED = sorted(slug for slug, _, data in APPLICATIONS if data.published)
UNPUBLISHED = [slug for slug, _, data in APPLICATIONS if not data.published]
BASE = "https://register.example.nl"

Client = AsyncTestClient[Any]


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[Client]:
    settings = Settings(database_url=db_url, session_secret=SESSION_SECRET, public_url=BASE)
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


async def test_every_published_demo_application_exports_a_valid_file(client: Client) -> None:
    for slug in PUBLISHED:
        response = await client.get(f"/applicaties/{slug}/publiccode.yml")
        assert response.status_code == 200, slug
        assert response.headers["content-type"].startswith("application/yaml")
        report = validate(response.content)
        assert report.errors == (), (slug, [e.message for e in report.errors])
        assert report.warnings == ()
        assert report.document is not None
        assert report.document["landingURL"] == f"{BASE}/applicaties/{slug}"
    for slug in UNPUBLISHED:
        assert (await client.get(f"/applicaties/{slug}/publiccode.yml")).status_code == 404


async def test_the_file_says_who_uses_and_who_maintains_it(
    client: Client, session: AsyncSession
) -> None:
    text = (await client.get("/applicaties/zaakafhandeling/publiccode.yml")).text
    document = yaml.safe_load(text)
    (app,) = [a for a in await open_data.exported(session, BASE) if a[0].slug == "zaakafhandeling"]
    users = (await users_of_applications(session, [app[0].id]))[app[0].id]
    assert users.members, "the demo has users of the Zaakafhandelcomponent in production"
    assert document["usedBy"] == [m.name for m in users.members]
    assert document["maintenance"]["type"] == "internal"
    assert document["maintenance"]["contacts"][0]["name"] == app[1].lead_member
    assert document["developmentStatus"] == "stable"
    assert document["legal"]["license"] == "EUPL-1.2"
    assert document["url"] == "https://github.com/example-cooperatie/zaakafhandeling"
    assert document["description"]["nl"]["shortDescription"].startswith("Zaaksysteem")
    assert document["description"]["en"]["shortDescription"].startswith("Case management")
    assert "it" not in document
    assert "IT" not in document


async def test_the_index_zip_and_catalogue_list_the_same_files(client: Client) -> None:
    index = (await client.get("/open-data/publiccode.json")).json()
    assert [a["slug"] for a in index["applications"]] == PUBLISHED
    archive = await client.get("/open-data/publiccode.zip")
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        assert files.namelist() == [f"{slug}/publiccode.yml" for slug in PUBLISHED]
        for entry in index["applications"]:
            own = await client.get(entry["publiccode"].removeprefix(BASE))
            assert files.read(f"{entry['slug']}/publiccode.yml") == own.content
            assert open_data.hashlib.sha256(own.content).hexdigest() == entry["sha256"]
            assert entry["changed"].endswith("Z")
    again = await client.get("/open-data/publiccode.zip")
    assert again.content == archive.content, "the same files give the same zip"

    dcat = (await client.get("/open-data/catalogus.jsonld")).json()
    assert dcat["@type"] == "dcat:Catalog"
    assert [d["dct:identifier"] for d in dcat["dcat:dataset"]] == PUBLISHED
    first = dcat["dcat:dataset"][0]
    assert (
        first["dcat:distribution"][0]["dcat:accessURL"]["@id"]
        == index["applications"][0]["publiccode"]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/publiccode.json",
        "/open-data/publiccode.zip",
        "/open-data/catalogus.jsonld",
        "/applicaties/subsidieportaal/publiccode.yml",
    ],
)
async def test_harvesters_get_304_until_something_changes(
    client: Client, session_factory: async_sessionmaker[AsyncSession], path: str
) -> None:
    first = await client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"')
    assert modified.endswith("GMT")

    same = await client.get(path, headers={"If-None-Match": etag})
    assert same.status_code == 304
    assert same.content == b""
    assert same.headers["etag"] == etag
    since = await client.get(path, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = await client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    older_copy = await client.get(path, headers={"If-Modified-Since": earlier})
    assert older_copy.status_code == 200

    _, _, data = next(a for a in APPLICATIONS if a[0] == "subsidieportaal")
    changed = replace(data, description_nl="Subsidies aanvragen, beoordelen en verantwoorden.")
    async with transaction(session_factory) as session:
        await update_application(session, system_actor("test"), "subsidieportaal", changed)

    after = await client.get(path, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert parsedate_to_datetime(after.headers["last-modified"]) >= parsedate_to_datetime(modified)
    assert (
        await client.get(path, headers={"If-None-Match": after.headers["etag"]})
    ).status_code == 304


async def test_the_api_exports_the_same_file(client: Client, db_url: str) -> None:
    query = "query($slug: String!) { publiccodeExport(slug: $slug) }"
    async with graphql_client(db_url, public_url=BASE) as api:
        assert isinstance(api, GraphQLClient)
        data = await api.data(query, {"slug": "mijn-gemeente"})
        hidden = await api.data(query, {"slug": UNPUBLISHED[0]})
    served = await client.get("/applicaties/mijn-gemeente/publiccode.yml")
    assert data["publiccodeExport"] == served.text
    assert hidden["publiccodeExport"] is None
