"""Report exports as stored rows: any service process shows an export's page and files,
also after a restart, while a worker of the job queue writes it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    """Waiting for a worker: just started, or failed and waiting to be tried again."""
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    """Every attempt failed; `error` holds the refusal code that says why."""


class ReportExport(Base):
    """One export of a contribution report into a folder of its own under `reports_dir`."""

    __tablename__ = "report_export"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    """Unguessable (secrets.token_urlsafe): the export's page is at /rapporten/{id}."""
    status: Mapped[ExportStatus] = mapped_column(
        str_enum(ExportStatus, "export_status"), default=ExportStatus.QUEUED
    )
    year: Mapped[int] = mapped_column(Integer)
    member_code: Mapped[str | None] = mapped_column(String(100))
    as_of_seq: Mapped[int] = mapped_column(Integer)
    """The audit-log position fixed when the export was started."""
    as_of_hash: Mapped[str] = mapped_column(String(64))
    formats: Mapped[str] = mapped_column(String(100))
    """The chosen formats, comma-separated (e.g. `csv,pdf`)."""
    decimal_comma: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    started_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    members_done: Mapped[int] = mapped_column(Integer, default=0)
    members_total: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    """Why the last attempt failed (also while it waits to be tried again): the code of a
    refusal in `registry.reports.jobs.FAILURES`; the technical cause is in the log."""
    files: Mapped[list[str] | None] = mapped_column(JSON)
    """The written files' names in the export's folder, the manifest last; once done."""
    inputs_sha256: Mapped[str | None] = mapped_column(String(64))
    findings: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
