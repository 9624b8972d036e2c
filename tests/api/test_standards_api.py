"""Standards, GEMMA reference components and categories in the API: the tables, and search and
filters that use them (a search for "Common Ground" finds the applications that claim it)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.helpers.graphql import GraphQLClient

pytestmark = pytest.mark.usefixtures("demo")

FIND = """
query Find($filter: ApplicationFilter) {
  applications(first: 100, filter: $filter) { edges { node { slug } } }
}
"""


async def _slugs(api: GraphQLClient, **filter_: Any) -> set[str]:
    data = await api.data(FIND, {"filter": filter_})
    return {e["node"]["slug"] for e in data["applications"]["edges"]}


async def test_a_search_finds_the_applications_that_claim_a_standard(api: GraphQLClient) -> None:
    assert await _slugs(api, search="Common Ground") == {"zaakafhandeling", "rapportage"}
    assert await _slugs(api, search="zgw api") == {"zaakafhandeling"}


async def test_reference_components_and_categories_filter_and_are_searched(
    api: GraphQLClient,
) -> None:
    found = await _slugs(api, search="Zaakafhandelcomponent")
    assert found == {"zaakafhandeling", "klantcontact-v1"}  # the retired one names it
    assert await _slugs(api, referenceComponent="Persoonlijke internetpagina") == {"mijn-gemeente"}
    assert await _slugs(api, category="digital-citizenship") == {
        "mijn-gemeente",
        "burgerzaken-verhuizing",
    }


async def test_the_tables_list_owner_version_and_url(api: GraphQLClient) -> None:
    data = await api.data("{ standards { name owner version url } referenceComponents { name } }")
    standards = {s["name"]: s for s in data["standards"]}
    assert standards["ZGW API's"]["owner"] == "VNG Realisatie"
    assert standards["NL GOV API Design Rules"]["owner"] == "Forum Standaardisatie"
    assert standards["StUF"]["version"] == "3.01"
    assert standards["DigiD"]["owner"] == "", "a name claimed as text is a row too"
    assert "Zaakafhandelcomponent" in {r["name"] for r in data["referenceComponents"]}


async def test_the_export_names_the_categories(api: GraphQLClient) -> None:
    text = (await api.data('{ publiccodeExport(slug: "zaakafhandeling") }'))["publiccodeExport"]
    assert yaml.safe_load(text)["categories"] == ["document-management", "workflow-management"]


async def test_the_directie_sets_standards_components_and_categories(api: GraphQLClient) -> None:
    recorded = await api.data(
        'mutation { standardRecord(input: {name: "StUF", owner: "VNG Realisatie", version: "3.02",'
        ' url: "https://www.gemmaonline.nl/wiki/StUF"}) { standard { version } errors { code } } }'
    )
    assert recorded["standardRecord"] == {"standard": {"version": "3.02"}, "errors": []}
    components = await api.data(
        'mutation { applicationReferenceComponentsSet(slug: "subsidieportaal",'
        ' names: ["Subsidiecomponent"]) { names errors { code } } }'
    )
    assert components["applicationReferenceComponentsSet"]["names"] == ["Subsidiecomponent"]
    assert await _slugs(api, search="subsidiecomponent") == {"subsidieportaal"}
    refused = await api.data(
        'mutation { applicationCategoriesSet(slug: "subsidieportaal",'
        ' categories: ["subsidies"]) { names errors { field code } } }'
    )
    assert refused["applicationCategoriesSet"]["errors"] == [
        {"field": "categories[0]", "code": "invalid_category"}
    ]
