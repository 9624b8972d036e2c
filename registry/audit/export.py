"""Export of the audit log for auditors: JSON Lines or CSV, streamed, byte-identical per data.

Times are written as hashed (UTC with microseconds) and every hashed field is included,
so an auditor can recompute the chain from the export alone.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any, TextIO

from registry.audit.chain import hashed_fields
from registry.audit.models import AuditEvent

FIELDS = (
    "seq",
    "id",
    "occurred_at",
    "actor_kind",
    "actor_label",
    "actor_user_id",
    "actor_token_id",
    "role",
    "member_id",
    "operation",
    "entity_type",
    "entity_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)


class ExportFormat(enum.StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def as_record(event: AuditEvent) -> dict[str, Any]:
    """An event as plain data in FIELDS order; before/after as JSON text, as stored."""
    values = {**hashed_fields(event), "id": event.id, "hash": event.hash}
    return {field: values[field] for field in FIELDS}


def _json_line(event: AuditEvent) -> str:
    record = as_record(event)
    for key in ("before", "after"):
        if record[key] is not None:
            record[key] = json.loads(record[key])
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


async def export_lines(
    events: AsyncIterable[AuditEvent], export_format: ExportFormat
) -> AsyncIterator[str]:
    """The export as text chunks, one per event (CSV: after its header), as they arrive."""
    if export_format is ExportFormat.JSONL:
        async for event in events:
            yield _json_line(event)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def row(values: Sequence[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield row(FIELDS)
    async for event in events:
        record = as_record(event)
        yield row(["" if record[f] is None else record[f] for f in FIELDS])


async def write_events(
    events: AsyncIterable[AuditEvent], out: TextIO, export_format: ExportFormat
) -> int:
    """Write the events to `out` as they arrive; the number written."""
    count = 0

    async def counted() -> AsyncIterator[AuditEvent]:
        nonlocal count
        async for event in events:
            count += 1
            yield event

    async for chunk in export_lines(counted(), export_format):
        out.write(chunk)
    return count
