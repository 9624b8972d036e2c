"""The exported schema in graphql/schema.graphql is the schema the code serves."""

from __future__ import annotations

from registry.graphql.schema import schema_sdl
from registry.settings import PROJECT_ROOT

SCHEMA_FILE = PROJECT_ROOT / "graphql" / "schema.graphql"


def test_exported_schema_matches_the_code() -> None:
    exported = SCHEMA_FILE.read_text(encoding="utf-8")
    assert exported == schema_sdl(), (
        f"{SCHEMA_FILE.relative_to(PROJECT_ROOT)} is out of date with the code: run `make schema`"
    )


def test_exported_schema_has_the_public_operations() -> None:
    sdl = SCHEMA_FILE.read_text(encoding="utf-8")
    for operation in (
        "applications(",
        "application(slug: String!)",
        "members(",
        "member(code: String!)",
        "municipalities(",
        "applicationCreate(",
        "applicationUpdate(",
        "applicationStatusChange(",
        "releaseCreate(",
    ):
        assert operation in sdl, operation
