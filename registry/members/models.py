"""Municipalities, their population figures, and the member organisations."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.kit.types import ExactDecimal, UTCDateTime, str_enum, utcnow


class FigureStatus(enum.StrEnum):
    PROVISIONAL = "provisional"
    FINAL = "final"


class MemberType(enum.StrEnum):
    """Only government bodies can be members of the cooperative."""

    GEMEENTE = "gemeente"
    GEMEENSCHAPPELIJKE_REGELING = "gemeenschappelijke_regeling"
    PROVINCIE = "provincie"
    WATERSCHAP = "waterschap"
    BEDRIJFSVOERINGSORGANISATIE = "bedrijfsvoeringsorganisatie"
    PARTNERSHIP = "partnership"


class DecisionBody(enum.StrEnum):
    """Who decided: the members' meeting, the supervisory board or the management."""

    ALV = "alv"
    RVC = "rvc"
    DIRECTIE = "directie"


class ApprovalOutcome(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class EndReason(enum.StrEnum):
    NOTICE = "notice"
    MERGER = "merger"


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    cbs_code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    figures: Mapped[list[PopulationFigure]] = relationship(
        back_populates="municipality", lazy="raise", order_by="PopulationFigure.reference_date"
    )


class Succession(Base):
    """A municipal merger (herindeling): a predecessor continues in its successor from a date."""

    __tablename__ = "municipality_succession"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    successor_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    effective_date: Mapped[date] = mapped_column(Date)


class PopulationFigure(Base):
    """Inhabitants of one municipality on a reference date (1 January), with its source."""

    __tablename__ = "population_figure"
    __table_args__ = (UniqueConstraint("municipality_id", "reference_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    reference_date: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    status: Mapped[FigureStatus] = mapped_column(str_enum(FigureStatus, "figure_status"))

    municipality: Mapped[Municipality] = relationship(back_populates="figures", lazy="raise")


member_municipality = Table(
    "member_municipality",
    Base.metadata,
    Column("member_id", ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column(
        "municipality_id",
        ForeignKey("municipality.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[MemberType] = mapped_column(str_enum(MemberType, "member_type"))
    oin: Mapped[str | None] = mapped_column(String(20), unique=True)
    kvk: Mapped[str | None] = mapped_column(String(8))

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=member_municipality, lazy="raise", order_by=Municipality.cbs_code
    )


class Decision(Base):
    """A decision of the ALV, RvC or directie that rates, approvals and admissions refer to."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[DecisionBody] = mapped_column(str_enum(DecisionBody, "decision_body"))
    decided_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    document_url: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    """One membership of a member, from application to end.

    Each step fills its own columns once and never overwrites an earlier one, so the row is
    the member's history: applied, approved or rejected by the RvC, admitted (active from
    `start_date`), notice given, ended.
    """

    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    applied_on: Mapped[date] = mapped_column(Date)
    approval_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT")
    )
    approval_outcome: Mapped[ApprovalOutcome | None] = mapped_column(
        str_enum(ApprovalOutcome, "approval_outcome")
    )
    admission_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT")
    )
    start_date: Mapped[date | None] = mapped_column(Date)
    agreement_reference: Mapped[str | None] = mapped_column(String(200))
    entry_fee_cents: Mapped[int | None] = mapped_column(BigInteger)
    entry_fee_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT")
    )
    notice_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[EndReason | None] = mapped_column(str_enum(EndReason, "end_reason"))
    exit_charge_requested_cents: Mapped[int | None] = mapped_column(BigInteger)
    exit_charge_cap_cents: Mapped[int | None] = mapped_column(BigInteger)
    exit_charge_cents: Mapped[int | None] = mapped_column(BigInteger)
    exit_charge_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    """The cap's inputs: the rate of the end year, the inhabitants and their reference date."""
    exit_charge_inhabitants: Mapped[int | None] = mapped_column(BigInteger)
    exit_charge_reference_date: Mapped[date | None] = mapped_column(Date)
    successor_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT")
    )

    signatories: Mapped[list[Signatory]] = relationship(
        lazy="raise", order_by="Signatory.position", cascade="all, delete-orphan"
    )


class Signatory(Base):
    """A partner that signed for a partnership without legal personality (jointly liable)."""

    __tablename__ = "membership_signatory"
    __table_args__ = (UniqueConstraint("membership_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    oin: Mapped[str | None] = mapped_column(String(20))
