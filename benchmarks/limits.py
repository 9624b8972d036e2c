"""CPU seconds the endpoint spends on abusive documents, against a trivial query.

The tests prove that each abusive document is refused (and, where it applies, before
GraphQL's validation rules run); this measures what refusing costs, so that a change that
lets a document reach the costly steps again shows up here. CPU time of the whole process
(the app runs in it), median of a few requests each. Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import sys
import time

from litestar.testing import AsyncTestClient

from benchmarks.harness import backends, fresh_database
from registry.app import create_app
from registry.settings import Settings
from tests.api.test_limits import fragment_bomb, many_reports, repeated_field

REQUESTS = 5
DOCUMENTS = {
    "trivial `{ __typename }`": "{ __typename }",
    "fragment bomb (a million fields)": fragment_bomb(),
    "one field 1,200 times": repeated_field(),
    "30 contribution reports": many_reports(),
    "fragment cycle": "{ ...A }\nfragment A on Query { ...B me { kind } }\n"
    "fragment B on Query { ...A }",
}


async def main() -> None:
    print("| document | CPU ms per request (median) | answer |")
    print("|---|---:|---|")
    with backends() as urls:
        async with fresh_database(urls["sqlite"]) as engine:
            url = engine.url.render_as_string(hide_password=False)
            settings = Settings(database_url=url, session_secret=secrets.token_urlsafe(48))
            async with AsyncTestClient(app=create_app(settings)) as api:
                for name, query in DOCUMENTS.items():
                    seconds = []
                    for _ in range(REQUESTS):
                        start = time.process_time()
                        body = (await api.post("/graphql", json={"query": query})).json()
                        seconds.append(time.process_time() - start)
                    errors = body.get("errors") or []
                    answer = (errors[0].get("extensions") or {}).get("code") if errors else "data"
                    print(f"| {name} | {statistics.median(seconds) * 1000:.1f} | {answer} |")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
