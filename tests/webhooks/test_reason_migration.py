"""Migration 0023 adds the reason of an attempt without an answer: attempts stored before it
keep their text and read as "other", and the column takes only the known reasons. Migration
0024 adds "unknown host"; going back turns such attempts into "could not connect"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from registry.db import create_engine, create_session_factory
from registry.migrate import downgrade, upgrade
from registry.webhooks.models import FailureReason, WebhookAttempt

OLD_TEXT = "refused: hooks.example.org resolves to 10.0.0.7, an address of this machine"


async def _attempts_at(url: str, revision: str, attempts: str, **values: object) -> None:
    """The database at `revision`, holding delivery 1 (failed, to subscriber 1) and the
    attempts of `attempts` (columns and VALUES of an INSERT; `:now` is now)."""
    await upgrade(url, revision)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            now = datetime.now(UTC)
            await connection.execute(
                text(
                    "INSERT INTO webhook_subscriber (id, url, events, secret, created_at,"
                    " created_by) VALUES (1, 'https://hooks.example.org/in',"
                    " 'application.changed', 'whsec_k', :now, 'test')"
                ),
                {"now": now},
            )
            await connection.execute(
                text(
                    "INSERT INTO webhook_delivery (id, subscriber_id, event_id, event_type,"
                    " payload, status, attempts, queued, created_at) VALUES (1, 1, 'evt_1',"
                    " 'application.changed', '{}', 'failed', 2, :queued, :now)"
                ),
                {"now": now, "queued": True},
            )
            await connection.execute(
                text(f"INSERT INTO webhook_attempt {attempts}"), {"now": now, **values}
            )
    finally:
        await engine.dispose()


async def test_attempts_stored_before_the_reasons_read_as_other_with_their_text(
    backend: str, new_database: Callable[[str], str]
) -> None:
    url = new_database(backend)
    await _attempts_at(
        url,
        "0022_close_year_approval",
        "(delivery_id, attempted_at, status_code, error)"
        " VALUES (1, :now, NULL, :old), (1, :now, 500, NULL)",
        old=OLD_TEXT,
    )
    await upgrade(url)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            old, answered = (
                await session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))
            ).all()
        assert (old.reason, old.failure, old.error) == (None, FailureReason.OTHER, OLD_TEXT)
        assert (answered.status_code, answered.failure) == (500, None)

        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(
                    text(
                        "INSERT INTO webhook_attempt (delivery_id, attempted_at, reason)"
                        " VALUES (1, :now, 'unheard_of')"
                    ),
                    {"now": datetime.now(UTC)},
                )
    finally:
        await engine.dispose()


async def test_going_back_before_unknown_host_reads_it_as_could_not_connect(
    backend: str, new_database: Callable[[str], str]
) -> None:
    url = new_database(backend)
    await _attempts_at(
        url,
        "head",
        "(delivery_id, attempted_at, reason, error)"
        " VALUES (1, :now, 'unknown_host', 'hooks.example.invalid: no such name')",
    )
    await downgrade(url, "0023_webhook_attempt_reason")
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            reasons = (await connection.execute(text("SELECT reason FROM webhook_attempt"))).all()
        assert [r for (r,) in reasons] == ["could_not_connect"]
    finally:
        await engine.dispose()
