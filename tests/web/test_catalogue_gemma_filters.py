"""The public catalogue filters by GEMMA reference component and publiccode.yml category on the
server, together with the other filters and the order, in its links and its downloads; the
application page shows its standards with version and owner, its reference components and
categories."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.helpers.pages import get_page, options_of, result_slugs

Client = AsyncTestClient[Any]


async def test_reference_component_filter(client: Client) -> None:
    html = await get_page(client, "/?referentiecomponent=Zaakafhandelcomponent")
    assert "zaakafhandeling" in result_slugs(html)
    assert "mijn-gemeente" not in result_slugs(html)
    assert "Zaakafhandelcomponent" in options_of(html, "referentiecomponent")
    assert '<option value="Zaakafhandelcomponent" selected>' in html
    combined = await get_page(
        client, "/?referentiecomponent=Zaakafhandelcomponent&status=production&sorteer=gebruikers"
    )
    assert result_slugs(combined) == ["zaakafhandeling"]
    assert (
        'href="/catalogus.csv?referentiecomponent=Zaakafhandelcomponent&amp;status=production'
        '&amp;sorteer=gebruikers"' in combined
    )
    download = await client.get(
        "/catalogus.csv?referentiecomponent=Zaakafhandelcomponent&status=production"
    )
    assert download.status_code == 200
    rows = download.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2  # the heading and zaakafhandeling
    assert "Zaakafhandeling" in rows[1] or "zaak" in rows[1].lower()


async def test_category_filter(client: Client) -> None:
    html = await get_page(client, "/?categorie=digital-citizenship")
    assert result_slugs(html) == ["burgerzaken-verhuizing", "mijn-gemeente"]
    assert "digital-citizenship" in options_of(html, "categorie")
    none = await get_page(
        client, "/?categorie=digital-citizenship&referentiecomponent=Zaakafhandelcomponent"
    )
    assert result_slugs(none) == []
    unknown = await get_page(client, "/?categorie=geen-categorie")
    assert result_slugs(unknown) == []
    assert '<option value="geen-categorie" selected>' in unknown


async def test_the_application_page_shows_standards_components_and_categories(
    client: Client,
) -> None:
    html = await get_page(client, "/applicaties/zaakafhandeling")
    standards = html.split('id="standaarden"')[1].split("</ul>")[0]
    assert "ZGW API&#39;s" in standards or "ZGW API's" in standards
    assert "beheerd door VNG Realisatie" in standards
    components = html.split('id="referentiecomponenten"')[1].split("</ul>")[0]
    assert 'href="/?referentiecomponent=Zaakafhandelcomponent"' in components
    categories = html.split('id="categorieen"')[1].split("</ul>")[0]
    assert "document-management" in categories
    english = await get_page(client, "/applicaties/zaakafhandeling?lang=en")
    assert "maintained by VNG Realisatie" in english
    assert "GEMMA reference components" in english
