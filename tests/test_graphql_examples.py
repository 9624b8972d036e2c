"""The example operations shipped in graphql/examples stay valid against the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse, validate

from registry.graphql.schema import schema
from registry.settings import PROJECT_ROOT

EXAMPLES = sorted((PROJECT_ROOT / "graphql" / "examples").glob("*.graphql"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_valid(path: Path) -> None:
    errors = validate(schema._schema, parse(path.read_text(encoding="utf-8")))
    assert errors == []
