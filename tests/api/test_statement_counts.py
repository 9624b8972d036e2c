"""Every connection in the schema costs the same number of SQL statements for 2 or 20 items.

For each connection field a query selects everything under its nodes (generated from the
schema: every field, objects three levels deep), run on the demo cooperative with 20 more
furnished applications as someone who may see everything. A page of 20 must cost exactly as
many statements as a page of 2: a list or object fetched per item shows up as a difference.
The schema is walked for connection fields, so a new connection without a case here fails.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    get_named_type,
)
from litestar.testing import AsyncTestClient
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from registry.app import create_app
from registry.auth.models import RoleAssignment, User
from registry.auth.roles import Role, system_actor
from registry.catalogue.service import ApplicationInput, ReleaseInput, add_release
from registry.catalogue.service import create_application as create
from registry.demo import MEMBERS
from registry.graphql.schema import schema
from registry.http.security import SESSION_ID_KEY, session_config
from registry.members.models import Member
from registry.settings import Settings
from tests.conftest import DemoTemplate
from tests.helpers.graphql import SESSION_SECRET, TEST_ISSUER, GraphQLClient, log_in

ACTOR = system_actor("test")
EXTRA = 20
SMALL, LARGE = 2, 20
DEPTH = 3
"""Object levels selected under a node (connection wrappers do not count)."""

NOT_COUNTED = ("PRAGMA", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")

ARGUMENTS: dict[str, str] = {
    "Member.inhabitants": 'on: "2024-01-01"',
    "Member.usage": 'first: "2020-01", last: "2026-12"',
}
"""Values of required arguments; a field with one that is not here fails the test."""

CASES: dict[str, str] = {
    "Query.applications": "applications(first: $first) { edges { node { %s } } }",
    "Query.members": "members(first: $first) { edges { node { %s } } }",
    "Query.municipalities": "municipalities(first: $first) { edges { node { %s } } }",
    "Query.decisions": "decisions(first: $first) { edges { node { %s } } }",
    # One member's, so that the small page's invoices have a member with every kind of data
    # (adoptions, usage, cost lines) as the large page's do: a loader with nothing to fetch
    # runs no statement, and the difference would not be one per item.
    "Query.invoices": 'invoices(first: $first, memberCode: "woerden") { edges { node { %s } } }',
    "Query.auditEvents": "auditEvents(first: $first) { edges { node { %s } } }",
    # Nested: the members' invoices, both pages growing together.
    "Member.invoices": "members(first: $first) { edges { node { code "
    "invoices(first: $first) { edges { node { %s } } } } } }",
}
"""Per connection field (`Type.field`), the query around its nodes' selection."""


def connection_fields() -> dict[str, GraphQLObjectType]:
    """Every field of the schema that returns a connection, with its node type."""
    found: dict[str, GraphQLObjectType] = {}
    for type_ in schema._schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            target = get_named_type(field.type)
            if isinstance(target, GraphQLObjectType) and {"edges", "pageInfo"} <= set(
                target.fields
            ):
                edge = get_named_type(target.fields["edges"].type)
                assert isinstance(edge, GraphQLObjectType)
                node = get_named_type(edge.fields["node"].type)
                assert isinstance(node, GraphQLObjectType)
                found[f"{type_.name}.{name}"] = node
    return found


def _is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and {"edges", "pageInfo"} <= set(type_.fields)


def selection(type_: GraphQLObjectType, depth: int = DEPTH) -> str:
    """Every field of the type; objects `depth` levels deep, scalars only below that."""
    parts = []
    for name, field in type_.fields.items():
        target = get_named_type(field.type)
        arguments = _arguments(type_, name, field)
        if isinstance(target, GraphQLObjectType):
            if _is_connection(target):
                if depth <= 1:
                    continue
                edge = get_named_type(target.fields["edges"].type)
                assert isinstance(edge, GraphQLObjectType)
                node = get_named_type(edge.fields["node"].type)
                assert isinstance(node, GraphQLObjectType)
                inner = f"totalCount edges {{ cursor node {{ {selection(node, depth - 1)} }} }}"
            elif depth <= 1:
                continue
            else:
                inner = selection(target, depth - 1)
            parts.append(f"{name}{arguments} {{ {inner} }}")
        else:
            parts.append(f"{name}{arguments}")
    return " ".join(parts)


def _arguments(type_: GraphQLObjectType, name: str, field: GraphQLField) -> str:
    required = [
        a
        for a, argument in field.args.items()
        if isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
    ]
    key = f"{type_.name}.{name}"
    if not required:
        return ""
    assert key in ARGUMENTS, f"{key} needs {required}: give values in ARGUMENTS"
    return f"({ARGUMENTS[key]})"


def query_for(field: str, node: GraphQLObjectType) -> str:
    return "query Page($first: Int!) { %s }" % (CASES[field] % selection(node))


def test_every_connection_has_a_case() -> None:
    fields = set(connection_fields())
    assert fields - set(CASES) == set(), "connections without a statement-count case"
    assert set(CASES) - fields == set(), "cases for connections that no longer exist"


@pytest.fixture
async def client(
    db_url: str, session: AsyncSession, demo_template: DemoTemplate
) -> AsyncIterator[tuple[GraphQLClient, AsyncEngine]]:
    """The demo with more furnished applications; someone holding every role for everyone."""
    await demo_template.copy_into(session)
    codes = [m.code for m in MEMBERS]
    for i in range(EXTRA):
        slug = f"applicatie-{i:02d}"
        await create(
            session,
            ACTOR,
            slug,
            ApplicationInput(
                name=f"Applicatie {i:02d}",
                lead_member=codes[i % len(codes)],
                owner_member=codes[(i + 1) % len(codes)] if i % 2 else None,
                standards=(f"Standaard {i}",),
            ),
        )
        await add_release(
            session, ACTOR, slug, ReleaseInput(f"1.{i}.0", date(2024, 1, 1) + timedelta(days=i))
        )
    user = User(issuer=TEST_ISSUER, subject="everything", name="alles")
    session.add(user)
    await session.flush()
    session.add_all(
        RoleAssignment(user_id=user.id, role=role)
        for role in (Role.DIRECTIE, Role.AUDITOR, Role.ADMIN)
    )
    for member_id in await session.scalars(select(Member.id)):
        session.add(RoleAssignment(user_id=user.id, role=Role.MEMBER_ADMIN, member_id=member_id))
    await session.commit()
    settings = Settings(database_url=db_url, dev_mode=True, session_secret=SESSION_SECRET)
    app = create_app(settings)
    async with AsyncTestClient(
        app=app, base_url="https://testserver.local", session_config=session_config(settings)
    ) as http:
        await http.set_session_data({SESSION_ID_KEY: await log_in(db_url, user.id)})
        yield GraphQLClient(http), app.state.engine


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(NOT_COUNTED):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def _shape(statement: str) -> str:
    """The statement without its number of parameters, on one line."""
    return " ".join(re.sub(r"\(\?(, \?)*\)", "(…)", statement).split())


def _nodes(data: Any) -> int:
    """How many nodes the response holds, at every level."""
    if isinstance(data, dict):
        return ("node" in data) + sum(_nodes(v) for v in data.values())
    if isinstance(data, list):
        return sum(_nodes(v) for v in data)
    return 0


async def test_statements_do_not_grow_with_the_page(
    client: tuple[GraphQLClient, AsyncEngine],
) -> None:
    api, engine = client
    await api.data("{ __typename }")  # connect, initialise the dialect
    failures = []
    for field, node in connection_fields().items():
        query = query_for(field, node)
        counts = {}
        sizes = {}
        for first in (SMALL, LARGE, SMALL):
            with statements(engine) as seen:
                data = await api.data(query, {"first": first})
            counts.setdefault(first, []).append(len(seen))
            sizes[first] = _nodes(data)
            if first == LARGE:
                large = list(seen)
            else:
                small = list(seen)
        # The larger page really holds more, so a per-item query would show.
        assert sizes[LARGE] > sizes[SMALL] >= 1, (field, sizes)
        if len({c for cs in counts.values() for c in cs}) != 1:
            extra = [_shape(s) for s in large]
            for statement in map(_shape, small):
                if statement in extra:
                    extra.remove(statement)
            failures.append(
                f"{field}: {counts}; the larger page also ran:\n  " + "\n  ".join(extra)
            )
    assert not failures, "\n".join(failures)
