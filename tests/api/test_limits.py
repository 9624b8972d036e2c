"""Abuse protection of the endpoint: depth, aliases, size, bad input, GraphiQL and GET."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema
from graphql import parse
from graphql.language import Lexer, Source, TokenKind
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit import service as audit_service
from registry.auth.roles import Role
from registry.graphql.limits import (
    COSTS,
    FIELD_REPEATED,
    INVALID_TEXT,
    MAX_COST,
    MAX_FIELD_REPEATS,
    MAX_FRAGMENTS,
    MAX_SELECTIONS,
    TOO_BIG,
    TOO_COSTLY,
    measure,
)
from registry.graphql.relay import encode_cursor
from registry.graphql.scalars import MAX_YEAR, MIN_YEAR
from registry.graphql.schema import (
    INTERNAL_ERROR,
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_TOKENS,
    root_fields,
)
from registry.settings import PROJECT_ROOT, Settings
from tests.helpers.graphql import GraphQLClient, error_messages, grant, graphql_client


def nested(levels: int, field: str = "a") -> str:
    """`{ a { a { ... { leaf } } } }` with `levels` fields that have a selection set."""
    return "{ " + f"{field} {{ " * levels + "leaf" + " }" * levels + " }"


def depth_errors(body: dict[str, Any]) -> list[str]:
    return [m for m in error_messages(body) if "exceeds maximum operation depth" in m]


def test_the_limits_are_the_documented_ones() -> None:
    assert (MAX_DEPTH, MAX_ALIASES, MAX_TOKENS) == (10, 30, 5000)
    assert (MAX_SELECTIONS, MAX_FRAGMENTS, MAX_FIELD_REPEATS, MAX_COST) == (500, 50, 20, 100)
    # One report per request (with a preview besides) stays possible.
    assert max(COSTS.values()) * 2 <= MAX_COST


def test_costs_name_real_root_fields() -> None:
    names = {name.split(".", 1)[1] for name in root_fields()}
    assert set(COSTS) <= names


def test_every_example_fits_with_room_to_spare() -> None:
    examples = sorted((PROJECT_ROOT / "graphql" / "examples").glob("*.graphql"))
    assert examples
    for path in examples:
        measure(parse(Path(path).read_text()))  # raises when refused
    # The largest example (about 150 fields) fits three times.
    assert MAX_SELECTIONS >= 3 * 156


def codes(body: dict[str, Any]) -> list[str]:
    return [str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []]


def fragment_bomb(levels: int = 20) -> str:
    """About 800 bytes that expand to a million fields: each fragment spreads the next twice."""
    parts = ["query Bomb { ...F0 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels - 1)]
    parts.append(f"fragment F{levels - 1} on Query {{ me {{ kind }} }}")
    return "\n".join(parts)


def repeated_field(times: int = 1200) -> str:
    return "{ " + " ".join(["me { kind }"] * times) + " }"


def many_reports(count: int = MAX_ALIASES) -> str:
    return (
        "{ "
        + " ".join(
            f"r{i}: contributionReport(year: 2024) {{ errors {{ code }} }}" for i in range(count)
        )
        + " }"
    )


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents that reached GraphQL's standard validation rules (the costly step an
    abusive document must never reach), recorded as the schema runs them."""
    seen: list[str] = []
    original = strawberry_schema.validate_document

    def counting(schema: Any, document: Any, rules: Any) -> Any:
        seen.append(document.loc.source.body if document.loc else "")
        return original(schema, document, rules)

    monkeypatch.setattr(strawberry_schema, "validate_document", counting)
    return seen


async def test_fragment_bomb_is_refused_before_validation(
    api: GraphQLClient, validated: list[str]
) -> None:
    body = await api.execute(fragment_bomb())
    assert codes(body) == [TOO_BIG], body
    assert f"more than {MAX_SELECTIONS} fields" in error_messages(body)[0]
    assert body["data"] is None
    assert validated == [], "refused before the standard validation rules"
    await api.data("{ __typename }")
    assert validated == ["{ __typename }"], "an ordinary query is validated"


async def test_repeated_field_is_refused_before_validation(
    api: GraphQLClient, validated: list[str]
) -> None:
    body = await api.execute(repeated_field())
    assert codes(body) == [TOO_BIG], body
    assert validated == []
    # Within the size limit, a key repeated too often in one selection set is refused too,
    # also when the repeats come from fragments or from merged same-key fields.
    for query in [
        repeated_field(MAX_FIELD_REPEATS + 1),
        "{ "
        + " ".join(f"...R{i}" for i in range(MAX_FIELD_REPEATS + 1))
        + " }\n"
        + "\n".join(
            f"fragment R{i} on Query {{ me {{ kind }} }}" for i in range(MAX_FIELD_REPEATS + 1)
        ),
        "{ " + " ".join(["me { kind kind }"] * (MAX_FIELD_REPEATS // 2 + 1)) + " }",
    ]:
        refused = await api.execute(query)
        assert codes(refused) == [FIELD_REPEATED], refused
        assert "'" in error_messages(refused)[0]
    allowed = await api.data(repeated_field(MAX_FIELD_REPEATS))
    assert allowed == {"me": {"kind": "USER"}}


async def test_fragment_cycles_are_a_validation_error_not_a_hang(api: GraphQLClient) -> None:
    """What it costs is measured in `make bench` (benchmarks/limits.py)."""
    body = await api.execute(
        "{ ...A }\nfragment A on Query { ...B me { kind } }\nfragment B on Query { ...A }"
    )
    assert any("within itself" in m for m in error_messages(body)), body
    assert body.get("data") is None
    assert await api.data("{ __typename }") == {"__typename": "Query"}


async def test_too_many_fragments_are_refused(api: GraphQLClient) -> None:
    count = MAX_FRAGMENTS + 1
    query = (
        "{ "
        + " ".join(f"...E{i}" for i in range(count))
        + " }\n"
        + "\n".join(f"fragment E{i} on Query {{ __typename }}" for i in range(count))
    )
    body = await api.execute(query)
    assert codes(body) == [TOO_BIG], body


async def test_expensive_fields_have_a_budget(api: GraphQLClient, validated: list[str]) -> None:
    body = await api.execute(many_reports())
    assert codes(body) == [TOO_COSTLY], body
    assert f"more than the {MAX_COST} allowed" in error_messages(body)[0]
    assert body["data"] is None
    assert validated == [], "refused before validation, so nothing is executed either"
    # Through fragments too, counted once per spread.
    spread = (
        "{ ...R ...R2 }\n"
        "fragment R on Query { a: contributionReport(year: 2024) { errors { code } } ...R2 }\n"
        "fragment R2 on Query { b: contributionReport(year: 2023) { errors { code } } }"
    )
    assert codes(await api.execute(spread)) == [TOO_COSTLY]
    # One report in a request is what the budget is for.
    data = await api.data(many_reports(1))
    assert set(data) == {"r0"}


@pytest.mark.parametrize("abusive", ["bomb", "repeated", "reports"])
async def test_abuse_does_not_hold_up_other_requests(
    api: GraphQLClient, validated: list[str], abusive: str
) -> None:
    """Sent together with a trivial query: both are answered, and the abusive one is refused
    before the costly steps (validation, execution), so it cannot occupy the service. The CPU
    time that costs is measured in `make bench` (benchmarks/limits.py)."""
    query = {"bomb": fragment_bomb(), "repeated": repeated_field(), "reports": many_reports()}[
        abusive
    ]
    refused, trivial = await asyncio.gather(api.execute(query), api.execute("{ __typename }"))
    assert trivial == {"data": {"__typename": "Query"}}
    assert refused["data"] is None
    assert refused["errors"], refused
    assert validated == ["{ __typename }"], "only the trivial query reached validation"


async def test_deepest_real_query_is_allowed(api: GraphQLClient) -> None:
    # The deepest path the schema offers stays well within the limit.
    data = await api.data(
        "{ applications(first: 1) { edges { node { leadMember { municipalities {"
        " populationFigures { count } } } } } } }"
    )
    assert data == {"applications": {"edges": []}}


async def test_over_deep_query_is_refused(api: GraphQLClient) -> None:
    body = await api.execute(nested(MAX_DEPTH + 1))  # asserts HTTP 200, not 500
    assert depth_errors(body), body
    assert f"maximum operation depth of {MAX_DEPTH}" in depth_errors(body)[0]
    assert body["data"] is None
    # One level less is not too deep (only the unknown field is wrong).
    at_limit = await api.execute(nested(MAX_DEPTH))
    assert error_messages(at_limit)
    assert depth_errors(at_limit) == []


async def test_depth_counts_through_fragments(api: GraphQLClient) -> None:
    half = MAX_DEPTH // 2 + 1
    query = (
        "query Deep { ...Top }\n"
        "fragment Top on Query { " + "a { " * half + "...Bottom" + " }" * half + " }\n"
        "fragment Bottom on Query { " + "b { " * half + "leaf" + " }" * half + " }"
    )
    body = await api.execute(query)
    assert depth_errors(body), body
    assert "'Deep'" in depth_errors(body)[0]


async def test_alias_limit(api: GraphQLClient) -> None:
    def aliased(count: int) -> str:
        return (
            "{ "
            + " ".join(f"a{i}: applications(first: 1) {{ totalCount }}" for i in range(count))
            + " }"
        )

    allowed = await api.data(aliased(MAX_ALIASES))
    assert len(allowed) == MAX_ALIASES
    assert {v["totalCount"] for v in allowed.values()} == {0}

    body = await api.execute(aliased(MAX_ALIASES + 1))
    messages = error_messages(body)
    assert any("aliases" in m and str(MAX_ALIASES) in m for m in messages), messages
    assert body["data"] is None


def token_count(query: str) -> int:
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


async def test_token_limit(api: GraphQLClient) -> None:
    def query(statuses: int) -> str:
        return (
            "{ applications(first: 1, filter: {status: ["
            + "IDEA " * statuses
            + "]}) { totalCount } }"
        )

    fits = MAX_TOKENS - token_count(query(0))
    assert token_count(query(fits)) == MAX_TOKENS
    assert await api.data(query(fits)) == {"applications": {"totalCount": 0}}

    body = await api.execute(query(fits + 1))
    messages = error_messages(body)
    assert any(f"more than {MAX_TOKENS} tokens" in m for m in messages), messages[:1]
    assert body["data"] is None


async def test_huge_realistic_query_is_refused(api: GraphQLClient) -> None:
    fields = " ".join(["slug name status licence platform repositoryUrl"] * 1000)
    body = await api.execute(f"{{ applications(first: 5) {{ edges {{ node {{ {fields} }} }} }} }}")
    assert any(f"more than {MAX_TOKENS} tokens" in m for m in error_messages(body))
    assert body["data"] is None


async def test_malformed_query_is_a_graphql_error_not_a_crash(api: GraphQLClient) -> None:
    for query in [
        "{ applications(",
        "{ applications(first: ) { totalCount } }",
        "query {",
        "}{",
        "mutation { applicationCreate(slug: 1 2 3) }",
        '{ application(slug: "unterminated) { slug } }',
    ]:
        response = await api.http.post("/graphql", json={"query": query})
        assert response.status_code in (200, 400), response.text
        body = response.json()
        messages = error_messages(body)
        assert any("Syntax Error" in m for m in messages), body
        assert body.get("data") is None


async def test_broken_requests_are_refused_without_a_server_error(api: GraphQLClient) -> None:
    json = {"Content-Type": "application/json"}
    for content, headers in [
        ("{not json", json),
        ('{"query": null}', json),
        ('{"variables": {}}', json),
        ("[1, 2]", json),
        ('{"query": 42}', json),
        ("query=%7B__typename%7D", {"Content-Type": "text/plain"}),
    ]:
        response = await api.http.post("/graphql", content=content, headers=headers)
        assert 400 <= response.status_code < 500, (content, response.status_code, response.text)


async def test_wrong_variable_types_are_graphql_errors(api: GraphQLClient) -> None:
    query = "query Q($first: Int!) { applications(first: $first) { totalCount } }"
    body = await api.execute(query, {"first": "twenty"})
    assert any("first" in m for m in error_messages(body)), body
    missing = await api.execute(query, {})
    assert any("first" in m for m in error_messages(missing)), missing


async def test_unknown_field_is_a_graphql_error(api: GraphQLClient) -> None:
    body = await api.execute("{ applications(first: 1) { totalCount wachtwoord } }")
    messages = error_messages(body)
    assert any("wachtwoord" in m for m in messages), messages
    assert body["data"] is None
    unknown_argument = await api.execute("{ applications(eerste: 1) { totalCount } }")
    assert any("eerste" in m for m in error_messages(unknown_argument))


# --- GraphiQL and GET -----------------------------------------------------------------------


async def test_graphiql_is_served_in_development_mode(api: GraphQLClient) -> None:
    response = await api.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_no_graphiql_in_production(production_api: GraphQLClient) -> None:
    response = await production_api.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code != 200
    assert response.status_code < 500
    assert "graphiql" not in response.text.lower()


async def test_get_queries_only_in_development_mode(
    api: GraphQLClient, production_api: GraphQLClient
) -> None:
    params = {"query": "{ applications(first: 1) { totalCount } }"}
    dev = await api.http.get("/graphql", params=params)
    assert dev.status_code == 200
    assert dev.json() == {"data": {"applications": {"totalCount": 0}}}

    production = await production_api.http.get("/graphql", params=params)
    assert 400 <= production.status_code < 500
    assert "data" not in production.text
    # POST still works in production.
    assert await production_api.data(params["query"]) == {"applications": {"totalCount": 0}}


async def test_mutations_never_via_get(api: GraphQLClient) -> None:
    mutation = (
        'mutation { applicationCreate(slug: "via-get", input: {name: "X"}) { errors { code } } }'
    )
    response = await api.http.get("/graphql", params={"query": mutation})
    assert 400 <= response.status_code < 500
    assert await api.data('{ application(slug: "via-get") { slug } }') == {"application": None}


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["null", "42", '"x"', "[]", "true"])
async def test_a_body_that_is_not_an_object_is_a_bad_request(
    api: GraphQLClient, content: str
) -> None:
    response = await api.http.post(
        "/graphql", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert "Traceback" not in response.text


async def test_ids_and_cursors_out_of_range_are_refused_cleanly(api: GraphQLClient) -> None:
    assert await api.data('{ invoice(id: "999999999999999999999") { number } }') == {
        "invoice": None
    }
    assert await api.data('{ invoice(id: "²") { number } }') == {"invoice": None}
    for offset in (2**63, 2**31):
        cursor = encode_cursor(offset)
        body = await api.execute(
            f'{{ applications(first: 1, after: "{cursor}") {{ totalCount }} }}'
        )
        assert error_messages(body) == [f"after: '{cursor}' is not a cursor from this API"]


async def test_control_characters_and_lone_surrogates_are_refused(api: GraphQLClient) -> None:
    query = "query Q($code: String!) { member(code: $code) { code } }"
    for value in ["\ud800", "GM\x000344"]:
        # JSON escapes, as a client sends them (a lone surrogate is not UTF-8).
        response = await api.http.post(
            "/graphql",
            content=json.dumps({"query": query, "variables": {"code": value}}),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert codes(body) == [INVALID_TEXT], body
        assert error_messages(body)[0].startswith("$code:")
    literal = await api.execute('{ member(code: "GM\\u0000") { code } }')
    assert codes(literal) == [INVALID_TEXT], literal
    assert error_messages(literal)[0].startswith("code:")
    nested = await api.execute(
        'mutation { applicationCreate(slug: "x", input: {name: "a\\u0007"}) { errors { code } } }'
    )
    assert error_messages(nested)[0].startswith("input.name:"), nested
    # Tabs and new lines are ordinary text.
    assert await api.data('{ member(code: "a\\tb\\n") { code } }') == {"member": None}


async def test_dates_out_of_range_are_refused_with_a_message(api: GraphQLClient) -> None:
    for query, variables in [
        ('{ invoiceRunPreview(until: "9999-12-31") { errors { code } } }', None),
        (
            "query Q($until: Date!) { invoiceRunPreview(until: $until) { errors { code } } }",
            {"until": "9999-12-31"},
        ),
    ]:
        body = await api.execute(query, variables)
        messages = error_messages(body)
        assert any(f"between {MIN_YEAR} and {MAX_YEAR}" in m for m in messages), body
        assert not any("out of range" in m for m in messages)


@pytest.mark.parametrize("dev_mode", [True, False])
async def test_unexpected_errors_show_only_a_reference(
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    dev_mode: bool,
) -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    async def broken(*_: Any) -> Any:
        raise RuntimeError("secret detail of the server")

    monkeypatch.setattr(audit_service, "verify_log", broken)
    user_id = await grant(session_factory, Role.AUDITOR)
    handler = Keep(logging.ERROR)
    logging.getLogger("registry.graphql.schema").addHandler(handler)
    try:
        async with graphql_client(db_url, dev_mode=dev_mode, user_id=user_id) as client:
            body = await client.execute("{ auditChainStatus { intact } }")
    finally:
        logging.getLogger("registry.graphql.schema").removeHandler(handler)
    [error] = body["errors"]
    assert "secret" not in str(body)
    reference = error["extensions"]["reference"]
    assert error["message"] == f"internal error; reference {reference}"
    assert error["extensions"]["code"] == INTERNAL_ERROR
    [logged] = [r for r in records if reference in r.getMessage()]
    assert logged.exc_info is not None
    assert "secret detail" in logging.Formatter().format(logged)


# --- introspection and suggestions ----------------------------------------------------------

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ applicatons(first: 1) { totalCount } }"


async def test_anonymous_callers_in_production_get_no_introspection_or_suggestions(
    production_api: GraphQLClient,
) -> None:
    body = await production_api.execute(INTROSPECTION)
    assert body.get("data") is None
    assert any("introspection" in m.lower() for m in error_messages(body)), body
    assert await production_api.data("{ __typename }") == {"__typename": "Query"}
    typo = error_messages(await production_api.execute(TYPO))
    assert typo
    assert not any("Did you mean" in m for m in typo), typo
    assert any("applicatons" in m for m in typo)


async def test_introspection_and_suggestions_stay_in_development_and_after_login(
    api: GraphQLClient, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    assert await api.data(INTROSPECTION) == {"__schema": {"queryType": {"name": "Query"}}}
    assert any("Did you mean" in m for m in error_messages(await api.execute(TYPO)))
    user_id = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, dev_mode=False, user_id=user_id) as logged_in:
        assert await logged_in.data(INTROSPECTION) == {"__schema": {"queryType": {"name": "Query"}}}
        assert any("Did you mean" in m for m in error_messages(await logged_in.execute(TYPO)))


# --- rate limits ----------------------------------------------------------------------------


def test_rate_limits_are_generous_by_default() -> None:
    settings = Settings()
    assert settings.rate_limit_graphql >= 600
    assert settings.rate_limit_login >= 30


async def test_graphql_rate_limit(db_url: str) -> None:
    async with graphql_client(db_url, rate_limit_graphql=3, rate_limit_login=2) as client:
        for _ in range(3):
            assert await client.data("{ __typename }") == {"__typename": "Query"}
        response = await client.http.post("/graphql", json={"query": "{ __typename }"})
        assert response.status_code == 429
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "rate_limited"
        assert "too many requests" in body["errors"][0]["message"]
        # The login routes count apart.
        assert (await client.http.get("/inloggen")).status_code == 200
    # Another app instance (as another client would be) is not limited.
    async with graphql_client(db_url, rate_limit_graphql=3) as other:
        assert await other.data("{ __typename }") == {"__typename": "Query"}


async def test_login_rate_limit(db_url: str) -> None:
    async with graphql_client(db_url, rate_limit_login=2) as client:
        for _ in range(2):
            assert (await client.http.get("/inloggen")).status_code == 200
        response = await client.http.get("/inloggen")
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) >= 1
        assert "Te veel verzoeken" in response.text
        assert "Too many requests" in response.text
        # GraphQL is still answered.
        assert await client.data("{ __typename }") == {"__typename": "Query"}
