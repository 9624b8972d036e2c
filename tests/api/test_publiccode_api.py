"""publiccode.yml through GraphQL: validating a file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.helpers.graphql import GraphQLClient, graphql_client

FILES = Path(__file__).parent.parent / "catalogue" / "publiccode"

VALIDATE = """
query Validate($yaml: String!) {
  publiccodeValidate(yaml: $yaml) {
    valid version
    errors { path line column code message text }
    warnings { path line column code message }
  }
}
"""


@pytest.fixture
async def public(db_url: str) -> AsyncIterator[GraphQLClient]:
    async with graphql_client(db_url) as client:
        yield client


async def test_anyone_validates_a_valid_file_and_sees_its_warnings(public: GraphQLClient) -> None:
    yaml = (FILES / "valid/v0.3-community.yml").read_text()
    report = (await public.data(VALIDATE, {"yaml": yaml}))["publiccodeValidate"]
    assert report["valid"] is True
    assert report["version"] == "0.3"
    assert report["errors"] == []
    assert {k: v for k, v in report["warnings"][2].items() if k != "message"} == {
        "path": "legal.authorsFile",
        "line": 22,
        "column": 3,
        "code": "deprecated",
    }


async def test_errors_name_path_line_column_in_the_callers_language(
    public: GraphQLClient,
) -> None:
    yaml = (FILES / "invalid/contractor-until-missing.yml").read_text()
    report = (await public.data(VALIDATE, {"yaml": yaml}))["publiccodeValidate"]
    assert report["valid"] is False
    assert report["errors"] == [
        {
            "path": "maintenance.contractors[0].until",
            "line": 12,
            "column": 7,
            "code": "required",
            "message": "missing",
            "text": "maintenance.contractors[0].until: missing (12:7)",
        }
    ]
    public.http.headers["Accept-Language"] = "nl"
    dutch = (await public.data(VALIDATE, {"yaml": yaml}))["publiccodeValidate"]
    assert dutch["errors"][0]["text"] == "maintenance.contractors[0].until: ontbreekt (12:7)"


async def test_broken_yaml_is_an_answer_not_a_fault(public: GraphQLClient) -> None:
    report = (await public.data(VALIDATE, {"yaml": "name: [open"}))["publiccodeValidate"]
    assert report["valid"] is False
    assert report["errors"][0]["code"] == "invalid_yaml"
