"""The catalogue of jointly owned applications."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow
from registry.members.models import Member


class ApplicationStatus(enum.StrEnum):
    """Lifecycle of an application, in order."""

    IDEA = "idea"
    EXPLORATION = "exploration"
    BUILD = "build"
    ACCEPTANCE = "acceptance"
    PRODUCTION = "production"
    RETIRED = "retired"


class ReviewStatus(enum.StrEnum):
    """Where a member's proposal stands with the directie; None for what the directie entered."""

    PROPOSED = "proposed"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"


class Review(enum.StrEnum):
    """What the directie decides on a member's proposal."""

    PUBLISH = "publish"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


class Application(Base):
    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The problem the application solves, as its proposer put it."""
    review_status: Mapped[ReviewStatus | None] = mapped_column(
        str_enum(ReviewStatus, "review_status")
    )
    review_note: Mapped[str | None] = mapped_column(Text)
    """The directie's last note: what to change, or why it was rejected."""
    lead_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT"), index=True
    )
    owner_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT"), index=True
    )
    platform: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"), index=True
    )
    licence: Mapped[str] = mapped_column(String(500))
    repository_url: Mapped[str | None] = mapped_column(String(500))
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """Only published applications are shown to the public."""
    late_joiners_equal_say: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    """Whether a member joining the community later has an equal say on further development."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    lead_member: Mapped[Member | None] = relationship(foreign_keys=[lead_member_id], lazy="raise")
    owner_member: Mapped[Member | None] = relationship(foreign_keys=[owner_member_id], lazy="raise")
    releases: Mapped[list[Release]] = relationship(
        back_populates="application", lazy="raise", cascade="all, delete-orphan"
    )
    standards: Mapped[list[StandardClaim]] = relationship(
        back_populates="application", lazy="raise", cascade="all, delete-orphan"
    )


class Release(Base):
    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("application_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(50))
    released_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="releases", lazy="raise")


class Standard(Base):
    """A standard applications claim (e.g. ZGW API's by VNG, NL GOV API Design Rules by Forum
    Standaardisatie): one row per name, with its owner, current version and where it is
    described."""

    __tablename__ = "standard"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    owner: Mapped[str] = mapped_column(String(200), default="", server_default="")
    version: Mapped[str] = mapped_column(String(50), default="", server_default="")
    url: Mapped[str | None] = mapped_column(String(500))


class StandardClaim(Base):
    """A standard the application claims to comply with (e.g. ZGW API's, WCAG 2.1 AA), with
    the version it follows; `standard` keeps the name as claimed."""

    __tablename__ = "standard_claim"
    __table_args__ = (UniqueConstraint("application_id", "standard"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    standard: Mapped[str] = mapped_column(String(200))
    standard_id: Mapped[int | None] = mapped_column(
        ForeignKey("standard.id", ondelete="RESTRICT"), index=True
    )
    version: Mapped[str] = mapped_column(String(50), default="", server_default="")

    application: Mapped[Application] = relationship(back_populates="standards", lazy="raise")


class ReferenceComponent(Base):
    """A GEMMA reference component: the VNG architecture's name for a building block (e.g.
    Zaakafhandelcomponent)."""

    __tablename__ = "reference_component"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str | None] = mapped_column(String(500))


class ApplicationReferenceComponent(Base):
    """An application fulfils a GEMMA reference component."""

    __tablename__ = "application_reference_component"
    __table_args__ = (UniqueConstraint("application_id", "reference_component_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    reference_component_id: Mapped[int] = mapped_column(
        ForeignKey("reference_component.id", ondelete="RESTRICT"), index=True
    )


class ApplicationCategory(Base):
    """A category of the publiccode.yml standard's list that the application belongs to."""

    __tablename__ = "application_category"
    __table_args__ = (UniqueConstraint("application_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(60))


class JoinStage(enum.StrEnum):
    """When a member joined an application's community."""

    IDEA = "idea"
    DEVELOPMENT = "development"
    COMPLETE_PACKAGE = "complete_package"


class CommunityMember(Base):
    """A member taking part in an application's community, since a stage and a date."""

    __tablename__ = "community_member"
    __table_args__ = (UniqueConstraint("application_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    stage: Mapped[JoinStage] = mapped_column(str_enum(JoinStage, "join_stage"))
    joined_on: Mapped[date] = mapped_column(Date)


class ApplicationInterest(Base):
    """A member interested in an application, before (or instead of) joining its community."""

    __tablename__ = "application_interest"
    __table_args__ = (UniqueConstraint("application_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    registered_on: Mapped[date] = mapped_column(Date)


class BusinessCaseDecision(enum.StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


business_case_participant = Table(
    "business_case_participant",
    Base.metadata,
    Column(
        "business_case_id",
        ForeignKey("business_case.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("member_id", ForeignKey("member.id", ondelete="RESTRICT"), primary_key=True),
)


class BusinessCase(Base):
    """The decision basis for building or bringing in an application (or a major extension)."""

    __tablename__ = "business_case"
    __table_args__ = (UniqueConstraint("application_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    development_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    own_staff_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    """Members' own staff on development, valued in money."""
    implementation_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    operation_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    maintenance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    hosting_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    expected_usage_fees_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    risks: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[BusinessCaseDecision | None] = mapped_column(
        str_enum(BusinessCaseDecision, "business_case_decision")
    )
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reference: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    participants: Mapped[list[Member]] = relationship(
        secondary=business_case_participant, lazy="raise", order_by=Member.code
    )
