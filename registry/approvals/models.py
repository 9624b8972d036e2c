"""A request for four-eyes approval: an operation one director prepared, waiting for a
second director's decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.approvals.rules import ApprovalKind, ApprovalStatus
from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow


class ApprovalRequest(Base):
    __tablename__ = "approval_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ApprovalKind] = mapped_column(str_enum(ApprovalKind, "approval_kind"))
    parameters: Mapped[str] = mapped_column(Text)
    """The prepared operation as canonical JSON (`rules.to_json`)."""
    summary: Mapped[str] = mapped_column(Text)
    """What the operation would do when it was prepared (member, lines, amounts), as JSON."""
    pending_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    """The operation's key (`rules.pending_key`) while pending, then empty: one pending
    request per operation, backed up by the database."""
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[ApprovalStatus] = mapped_column(
        str_enum(ApprovalStatus, "approval_status"), default=ApprovalStatus.PENDING, index=True
    )
    prepared_by_user_id: Mapped[int] = mapped_column(Integer)
    prepared_by: Mapped[str] = mapped_column(String(200))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_user_id: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    """Why it was rejected."""
    result_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    """The document the approved operation issued or paid out on."""
