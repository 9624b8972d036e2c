"""Payload errors: a code from the ErrorCode enum and a message in the caller's language."""

from __future__ import annotations

import pytest

from tests.helpers.graphql import GraphQLClient

CREATE = """
mutation Create($slug: String!, $input: ApplicationInput!) {
  applicationCreate(slug: $slug, input: $input) {
    application { slug }
    errors { field code message }
  }
}
"""
EMPTY_NAME = {"slug": "naamloos", "input": {"name": " "}}


async def _errors(api: GraphQLClient, accept_language: str | None) -> list[dict[str, str]]:
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    response = await api.http.post(
        "/graphql", json={"query": CREATE, "variables": EMPTY_NAME}, headers=headers
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["applicationCreate"]
    assert payload["application"] is None
    errors: list[dict[str, str]] = payload["errors"]
    return errors


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        (None, "This is required."),
        ("en-GB,en;q=0.9", "This is required."),
        ("nl-NL,nl;q=0.9,en;q=0.8", "Vul dit in."),
        ("fr, nl;q=0.5", "Vul dit in."),
    ],
)
async def test_messages_follow_accept_language_and_codes_stay_stable(
    api: GraphQLClient, accept_language: str | None, message: str
) -> None:
    errors = await _errors(api, accept_language)
    assert {"field": "name", "code": "required", "message": message} in errors


async def test_every_code_is_a_value_of_the_error_code_enum(api: GraphQLClient) -> None:
    body = await api.data('{ __type(name: "ErrorCode") { kind enumValues { name } } }')
    enum = body["__type"]
    assert enum["kind"] == "ENUM"
    names = {value["name"] for value in enum["enumValues"]}
    assert {"required", "ambiguous_number", "not_a_number", "conflict", "forbidden"} <= names
    assert {"required"} == {e["code"] for e in await _errors(api, None)} & names
