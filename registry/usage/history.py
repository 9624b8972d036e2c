"""Usage records in the audit log: one event per member per report, and each record's history.

A bulk report of thousands of records is one change set: its event carries the canonical list
of the records written and the values they replaced, with the list's SHA-256. One event per
record would make the audit chain, not the records, the cost of reporting; with change sets a
single record's history is still complete, read back by `record_history`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.chain import canonical_json
from registry.audit.models import AuditEvent
from registry.audit.service import Change

ENTITY_TYPE = "usage_records"
OPERATION = "report"

KEY = ("member_id", "application_id", "period", "metric")
"""The columns that identify a usage record (its unique constraint)."""


def record_entity(member_id: int, application_id: int, period: date, metric: str) -> str:
    """How one record is named across the audit log and the reports: `member/app/YYYY-MM/metric`."""
    return f"{member_id}/{application_id}/{period:%Y-%m}/{metric}"


@dataclass(slots=True)
class ChangeSet:
    """The records one report writes for one member, in key order."""

    written: list[dict[str, Any]] = field(default_factory=list)
    replaced: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        application_id: int,
        period: date,
        metric: str,
        quantity: Decimal,
        before: Decimal | None,
    ) -> None:
        record = {"application_id": application_id, "period": f"{period:%Y-%m}", "metric": metric}
        self.written.append({**record, "quantity": str(quantity)})
        if before is not None:
            self.replaced.append({**record, "quantity": str(before)})

    def change(self, member_id: int) -> Change:
        digest = hashlib.sha256(canonical_json({"records": self.written}).encode()).hexdigest()
        return Change(
            OPERATION,
            ENTITY_TYPE,
            f"{member_id}/{digest[:16]}",
            {"records": self.replaced},
            {"records": self.written, "sha256": digest},
            member_id,
        )


def record_states(
    member_id: int, before: str | None, after: str | None
) -> Iterator[tuple[str, str | None, str]]:
    """Per record of one change-set event: its entity name, its quantity before (None: new) and
    after, as the event's JSON spells them."""
    old = {_key(r): r["quantity"] for r in (json.loads(before)["records"] if before else [])}
    for record in json.loads(after)["records"] if after else []:
        key = _key(record)
        yield f"{member_id}/{key[0]}/{key[1]}/{key[2]}", old.get(key), record["quantity"]


def _key(record: dict[str, Any]) -> tuple[int, str, str]:
    return record["application_id"], record["period"], record["metric"]


@dataclass(frozen=True, slots=True)
class RecordChange:
    seq: int
    occurred_at: datetime
    actor: str
    before: Decimal | None
    after: Decimal


async def record_history(
    session: AsyncSession, member_id: int, application_id: int, period: date, metric: str
) -> list[RecordChange]:
    """Every value one record had, from the audit log, oldest first."""
    # The record's canonical JSON up to its quantity: narrows the events the database returns.
    fragment = json.dumps(
        {"application_id": application_id, "metric": metric, "period": f"{period:%Y-%m}"},
        sort_keys=True,
        separators=(",", ":"),
    )[:-1]
    events = await session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == ENTITY_TYPE,
            AuditEvent.member_id == member_id,
            AuditEvent.after.contains(fragment),
        )
        .order_by(AuditEvent.seq)
    )
    wanted = record_entity(member_id, application_id, period, metric)
    return [
        RecordChange(
            event.seq,
            event.occurred_at,
            event.actor_label,
            None if before is None else Decimal(before),
            Decimal(after),
        )
        for event in events
        for entity, before, after in record_states(member_id, event.before, event.after)
        if entity == wanted
    ]
