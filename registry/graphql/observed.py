"""GraphQL operations counted and timed per operation name, with a bounded set of names.

A caller chooses an operation's name, so a name only gets a series of its own when the registry
knows it: the name of an operation in the documented examples (graphql/examples/) or of a
field of the query or mutation root, as written or starting with a capital (`invoices`,
`Invoices`). Every other name is counted as "other", an operation without a name as
"anonymous".
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from functools import cache

from strawberry.extensions import SchemaExtension

from registry.http.observability import (
    ANONYMOUS_OPERATION,
    GRAPHQL_DURATION,
    GRAPHQL_OPERATIONS,
    OTHER_OPERATION,
)
from registry.settings import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "graphql" / "examples"
_OPERATION = re.compile(r"^\s*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


def example_operation_names() -> frozenset[str]:
    return frozenset(
        name for path in EXAMPLES.glob("*.graphql") for name in _OPERATION.findall(path.read_text())
    )


class OperationMetrics(SchemaExtension):
    """Counts each operation with its outcome (ok, or error when it answered errors) and times
    it; the names it knows are given by the schema it is part of."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        name = context.operation_name  # what the client sent: not always a string
        if name is None:
            label = ANONYMOUS_OPERATION
        elif isinstance(name, str) and name in _known(context.schema):
            label = name
        else:
            label = OTHER_OPERATION
        result = context.result
        outcome = "error" if context.pre_execution_errors or (result and result.errors) else "ok"
        GRAPHQL_OPERATIONS.labels(label, outcome).inc()
        GRAPHQL_DURATION.labels(label).observe(time.perf_counter() - started)


@cache
def _known(schema: object) -> frozenset[str]:
    fields: set[str] = set()
    graphql_schema = getattr(schema, "_schema", None)
    for root in (
        getattr(graphql_schema, "query_type", None),
        getattr(graphql_schema, "mutation_type", None),
    ):
        if root is not None:
            fields.update(root.fields)
    capitalised = {field[:1].upper() + field[1:] for field in fields}
    return example_operation_names() | fields | capitalised
