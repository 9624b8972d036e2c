"""A claim's standard version is set through the API (directie and lead member), kept when a
change does not name it, and refused for a standard not claimed; the Application type shows
each claim with the standard's owner and version, its reference components and categories."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.graphql import GraphQLClient

pytestmark = pytest.mark.usefixtures("demo")

CLAIMS = """
query($slug: String!) {
  application(slug: $slug) {
    standardClaims { name version owner currentVersion url }
    referenceComponents
    categories
  }
}
"""
MAINTAIN = """
mutation($input: ApplicationMaintenanceInput!) {
  applicationMaintain(member: "eindhoven", slug: "zaakafhandeling", input: $input) {
    application { slug }
    errors { field code message }
  }
}
"""


async def _claims(api: GraphQLClient, slug: str) -> dict[str, Any]:
    found: dict[str, Any] = (await api.data(CLAIMS, {"slug": slug}))["application"]
    return found


async def test_the_application_shows_claims_components_and_categories(api: GraphQLClient) -> None:
    found = await _claims(api, "zaakafhandeling")
    claims = {c["name"]: c for c in found["standardClaims"]}
    assert claims["ZGW API's"]["owner"] == "VNG Realisatie"
    assert "Zaakafhandelcomponent" in found["referenceComponents"]
    assert found["categories"] == ["document-management", "workflow-management"]


async def test_a_claims_version_is_set_kept_and_checked(api: GraphQLClient) -> None:
    before = await _claims(api, "zaakafhandeling")
    names = [c["name"] for c in before["standardClaims"]]
    base = {
        "descriptionNl": "Zaken afhandelen.",
        "descriptionEn": "Handling cases.",
        "standards": names,
    }
    answer = await api.data(
        MAINTAIN,
        {"input": {**base, "standardVersions": [{"standard": "ZGW API's", "version": "1.5"}]}},
    )
    assert answer["applicationMaintain"]["errors"] == []
    claims = {c["name"]: c for c in (await _claims(api, "zaakafhandeling"))["standardClaims"]}
    assert claims["ZGW API's"]["version"] == "1.5"

    # A change that does not name the version keeps it.
    assert (await api.data(MAINTAIN, {"input": base}))["applicationMaintain"]["errors"] == []
    claims = {c["name"]: c for c in (await _claims(api, "zaakafhandeling"))["standardClaims"]}
    assert claims["ZGW API's"]["version"] == "1.5"

    refused = await api.data(
        MAINTAIN,
        {"input": {**base, "standardVersions": [{"standard": "StUF", "version": "3.01"}]}},
    )
    errors = refused["applicationMaintain"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("standardVersions", "version_without_claim")
    ]
    too_long = await api.data(
        MAINTAIN,
        {"input": {**base, "standardVersions": [{"standard": "ZGW API's", "version": "9" * 51}]}},
    )
    assert [e["code"] for e in too_long["applicationMaintain"]["errors"]] == ["too_long"]
