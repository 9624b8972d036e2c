"""The migration that makes standards a table carries the standards already claimed as free
text over: each name becomes one row, and every claim points at it (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import text

from registry.db import create_engine
from registry.migrate import upgrade


async def test_free_text_standards_become_rows_of_the_table(
    backend: str, new_database: Callable[[str], str]
) -> None:
    url = new_database(backend)
    await upgrade(url, "0010")
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for app_id, slug in ((1, "zaken"), (2, "portaal")):
                await connection.execute(
                    text(
                        "INSERT INTO application (id, slug, name, description_nl, description_en,"
                        " platform, status, licence, published, late_joiners_equal_say,"
                        " created_at, updated_at) VALUES (:id, :slug, :slug, '', '', '',"
                        " 'idea', 'EUPL-1.2', true, true, :now, :now)"
                    ),
                    {"id": app_id, "slug": slug, "now": datetime(2026, 1, 1, tzinfo=UTC)},
                )
            claims = [(1, "Common Ground"), (1, "ZGW API's"), (2, "Common Ground")]
            for app_id, name in claims:
                await connection.execute(
                    text("INSERT INTO standard_claim (application_id, standard) VALUES (:a, :s)"),
                    {"a": app_id, "s": name},
                )
        await upgrade(url)
        async with engine.connect() as connection:
            standards = dict(
                (await connection.execute(text("SELECT name, id FROM standard"))).all()
            )
            linked = (
                await connection.execute(
                    text(
                        "SELECT application_id, standard, standard_id, version"
                        " FROM standard_claim ORDER BY application_id, standard"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert sorted(standards) == ["Common Ground", "ZGW API's"]
    assert [tuple(row) for row in linked] == [
        (1, "Common Ground", standards["Common Ground"], ""),
        (1, "ZGW API's", standards["ZGW API's"], ""),
        (2, "Common Ground", standards["Common Ground"], ""),
    ]
