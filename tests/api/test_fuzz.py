"""A bounded fuzz run of the GraphQL API: no 5xx, and no raw Python error reaches a client.

Queries and mutations are generated from the schema (hypothesis-graphql) and sent through the
real app, anonymously and as the directie, on the demo cooperative. Argument values mix the
demo's own codes and slugs (to get past "not found") with edge values: huge numbers and
cursors, dates at the ends of the calendar, lone surrogates, NUL, very long text.

The run is deterministic (a fixed seed, no example database). Every distinct failure is
collected with the shortest operation that shows it and reported together at the end.
`make test` runs a small budget on SQLite; `make fuzz` a longer one on both backends:

    REGISTRY_FUZZ_EXAMPLES   examples per test (default 100)
    REGISTRY_FUZZ_BACKENDS   comma-separated backends to fuzz (default: both)
    REGISTRY_FUZZ_SEED       the seed (default fixed; another one explores other examples)
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from registry.graphql.relay import encode_cursor
from registry.graphql.schema import schema_sdl
from tests.helpers.graphql import GraphQLClient, grant, graphql_client

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "100"))
SEED = int(os.environ.get("REGISTRY_FUZZ_SEED", "20251207"))
BACKENDS = sorted(set(os.environ.get("REGISTRY_FUZZ_BACKENDS", "sqlite,postgresql").split(",")))

# Only the backends asked for: no database is set up for the others.
pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.parametrize("backend", BACKENDS, indirect=True, scope="session"),
]

# What a raw Python, driver or database error looks like in a message; a typed error or a
# GraphQL validation message never does. "internal error" is the generic message that hides
# an unexpected exception: it passes for a client, but here it is a bug to find.
RAW_ERROR = re.compile(
    "|".join(
        [
            r"traceback",
            r"internal error",
            r"codec can't",
            r"too large to convert",
            r"out of range",
            r"object has no attribute",
            r"nonetype",
            r"sqlalchemy",
            r"asyncpg",
            r"sqlite3?\.",
            r"psycopg",
            r"keyerror",
            r"valueerror",
            r"typeerror",
            r"attributeerror",
            r"indexerror",
            r"invalid literal for",
            r"exceeds the limit",
            r"is not subscriptable",
            r"unexpected keyword argument",
            r"positional argument",
            r"division by zero",
            r"maximum recursion",
            r"unhashable",
            r"invalidoperation",
            r"decimal\.",
            r"integrityerror",
            r"violates .* constraint",
            r"greenlet",
            r"string index",
            r"list index",
        ]
    ),
    re.IGNORECASE,
)

# Always a failure, also inside a message that is otherwise a GraphQL input-coercion error.
ALWAYS_RAW = re.compile(
    r"traceback|internal error|codec can't|too large to convert|sqlalchemy|asyncpg",
    re.IGNORECASE,
)
# GraphQL's own messages for an argument of the wrong form: typed, even when they quote the
# parser (`Value cannot represent a Date: "2021-02-29". day is out of range for month`).
COERCION = re.compile(
    r"^(Value cannot represent|Expected value of type|Int cannot represent|"
    r"Variable '\$\w+' got invalid value|Argument '\w+' has invalid value)"
)


def is_raw_error(message: str) -> bool:
    """Whether a GraphQL error message looks like an unexpected exception, not a typed answer."""
    if ALWAYS_RAW.search(message):
        return True
    return RAW_ERROR.search(message) is not None and COERCION.match(message) is None


DEMO_STRINGS = [
    "woerden",
    "eindhoven",
    "tilburg",
    "zwolle",
    "zaanstad",
    "groningen",
    "gr-boxtel-sint-michielsgestel",
    "enschede-apeldoorn",
    "provincie-utrecht",
    "zaakafhandeling",
    "zaakafhandeling-bouw",
    "subsidieportaal",
    "mijn-gemeente",
    "woo-verzoeken",
    "burgerzaken-verhuizing",
    "oprichting",
    "rapportage",
    "GM0632",
    "GM0772",
    "GM0757",
    "gemeente",
    "directie",
    "alv",
    "rvc",
    "member_user",
    "active_users",
    "cases_handled",
    "usage:write",
    "EUPL-1.2",
    "MIT OR EUPL-1.2",
    "ALV-2023-12",
    "ALV-2025-12",
    "RvC-2024-01",
    "2020-01-01",
    "2026-01-01",
    "2025-12",
    "https://github.com/example/app",
]
EDGE_STRINGS = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999999999",
    "9" * 5000,
    "1e999999",
    "NaN",
    "\x00",
    "\ud800",
    "a\udfffb",
    "\u202e",
    "=1+1",
    "' OR 1=1 --",
    "%s%n",
    "x" * 20_000,
    "0001-01-01",
    "9999-12-31",
    "2020-02-30",
    "2020-13",
    "0000-00",
    encode_cursor(0),
    encode_cursor(10**30),
]
EDGE_IDS = ["0", "1", "2", "-1", "2147483648", "99999999999999999999999999", "abc", "\ud800"]
EDGE_DATES = ["0001-01-01", "9999-12-31", "2020-02-29", "2021-02-29", "1900-01-01", "2100-12-31"]
EDGE_DECIMALS = ["0", "-0", "-1", "0.001", "0.005", "1e999999", "1E+30", "NaN", "Infinity", "-1e-7"]


def _text(extra: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(extra),
        st.sampled_from(EDGE_STRINGS),
        st.text(max_size=30),
    )


CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "String": _text(DEMO_STRINGS).map(nodes.String),
    "ID": st.one_of(
        st.sampled_from(EDGE_IDS), st.integers(0, 50).map(str), st.text(max_size=8)
    ).map(nodes.String),
    "Int": st.one_of(
        st.sampled_from([0, 1, -1, 100, 101, 2**31 - 1, -(2**31)]), st.integers(-(2**31), 2**31 - 1)
    ).map(nodes.Int),
    "Date": st.one_of(
        st.sampled_from(EDGE_DATES),
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(EDGE_STRINGS),
    ).map(nodes.String),
    "DateTime": st.one_of(
        st.sampled_from(["0001-01-01T00:00:00", "9999-12-31T23:59:59+14:00"]),
        st.datetimes().map(lambda d: d.isoformat()),
        st.sampled_from(EDGE_STRINGS),
    ).map(nodes.String),
    "Decimal": st.one_of(
        st.sampled_from(EDGE_DECIMALS),
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.sampled_from(EDGE_STRINGS),
    ).map(nodes.String),
    "JSON": st.one_of(st.sampled_from(EDGE_STRINGS).map(nodes.String), st.just(nodes.Null)),
}


def _operations() -> st.SearchStrategy[str]:
    sdl = schema_sdl()
    return st.one_of(
        queries(sdl, custom_scalars=CUSTOM_SCALARS),
        mutations(sdl, custom_scalars=CUSTOM_SCALARS),
        queries(sdl, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE),
        mutations(sdl, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE),
    )


def _safe(text: str) -> str:
    """Text that prints anywhere: lone surrogates shown as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class Finding:
    actor: str
    request: str
    status: int
    response: str


@dataclass
class Findings:
    """Distinct failures, each with the shortest request that shows it."""

    found: dict[str, Finding] = field(default_factory=dict)

    def check(self, actor: str, request: str, response: httpx.Response) -> None:
        for kind in self._failures(response):
            text = response.text  # the end of a traceback says most: keep both ends
            shown = text if len(text) <= 5000 else f"{text[:1000]}\n[…]\n{text[-4000:]}"
            finding = Finding(actor, _safe(request), response.status_code, shown)
            current = self.found.get(kind)
            if current is None or len(request) < len(current.request):
                self.found[kind] = finding

    @staticmethod
    def _failures(response: httpx.Response) -> list[str]:
        if response.status_code >= 500:
            return [f"HTTP {response.status_code}"]
        try:
            body = response.json()
        except ValueError:
            return []  # not JSON: a 4xx page from the framework, not a GraphQL answer
        errors = body.get("errors") if isinstance(body, dict) else None
        kinds = []
        for error in errors or []:
            message = str(error.get("message", "")) if isinstance(error, dict) else str(error)
            if is_raw_error(message):
                path = error.get("path") if isinstance(error, dict) else None
                where = str(path[0]) if path else "-"
                kinds.append(f"{where}: {re.sub(r'[0-9]+', 'N', message)[:100]}")
        return kinds

    def write(self, name: str) -> None:
        """With REGISTRY_FUZZ_REPORT=folder, keep the findings as JSON for replaying them."""
        folder = os.environ.get("REGISTRY_FUZZ_REPORT")
        if folder and self.found:
            found = {kind: dataclasses.asdict(f) for kind, f in sorted(self.found.items())}
            path = Path(folder) / f"{name}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(found, indent=2, ensure_ascii=False), encoding="utf-8")

    def report(self) -> str:
        lines = [f"{len(self.found)} distinct failure(s):"]
        for kind, f in sorted(self.found.items()):
            lines += [
                f"--- {kind}",
                f"as {f.actor}: {f.request}",
                f"-> HTTP {f.status}: {f.response}",
            ]
        return "\n".join(lines)


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _on(loop: asyncio.AbstractEventLoop) -> Callable[[Coroutine[Any, Any, httpx.Response]], Any]:
    """Run a request on the test's event loop from Hypothesis' thread."""

    def run(request: Coroutine[Any, Any, httpx.Response]) -> httpx.Response:
        return asyncio.run_coroutine_threadsafe(request, loop).result(timeout=120)

    return run


def _post(client: GraphQLClient, body: str) -> Coroutine[Any, Any, httpx.Response]:
    """POST a body as it is (JSON-escaped, so lone surrogates travel as `\\ud800`)."""
    return client.http.post(
        "/graphql",
        content=body.encode("utf-8", "surrogatepass"),
        headers={"content-type": "application/json"},
    )


@asynccontextmanager
async def _clients(
    db_url: str, directie: int | None = None
) -> AsyncIterator[dict[str, GraphQLClient]]:
    """Clients of the app in production mode: anonymous, and the directie when given."""
    async with AsyncExitStack() as stack:
        clients = {
            "anonymous": await stack.enter_async_context(graphql_client(db_url, dev_mode=False))
        }
        if directie is not None:
            clients["directie"] = await stack.enter_async_context(
                graphql_client(db_url, dev_mode=False, user_id=directie)
            )
        for client in clients.values():
            client.http.app.debug = True  # a 500 brings its traceback into the report
        yield clients


async def test_fuzz_operations_anonymous_and_as_directie(
    backend: str, demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """Generated queries and mutations on the demo cooperative, anonymously and as the directie."""
    directie = await grant(session_factory, Role.DIRECTIE)
    findings = Findings()
    send = _on(asyncio.get_running_loop())
    async with _clients(db_url, directie) as clients:

        @FUZZ_SETTINGS
        @seed(SEED)
        @given(actor=st.sampled_from(sorted(clients)), operation=_operations())
        def fuzz(actor: str, operation: str) -> None:
            response = send(_post(clients[actor], json.dumps({"query": operation})))
            findings.check(actor, operation, response)

        await asyncio.to_thread(fuzz)
    findings.write(f"operations-{backend}")
    assert not findings.found, findings.report()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
BODIES = st.one_of(
    JSON_VALUES.map(json.dumps),
    st.fixed_dictionaries(
        {"query": JSON_VALUES | st.just("{ me { roles } }")},
        optional={"variables": JSON_VALUES, "operationName": JSON_VALUES},
    ).map(json.dumps),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
)


async def test_fuzz_request_bodies(backend: str, db_url: str) -> None:
    """Whatever the body of a POST to /graphql, the answer is a 4xx or a GraphQL error."""
    findings = Findings()
    send = _on(asyncio.get_running_loop())
    async with _clients(db_url) as clients:

        @FUZZ_SETTINGS
        @seed(SEED)
        @given(body=BODIES)
        def fuzz(body: str) -> None:
            findings.check("anonymous", body, send(_post(clients["anonymous"], body)))

        await asyncio.to_thread(fuzz)
    findings.write(f"bodies-{backend}")
    assert not findings.found, findings.report()
