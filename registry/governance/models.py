"""The bodies' people, meetings with their agenda, attendance, proxies and votes, and the
register of conflicts of interest."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.governance.rules import Choice, MeetingForm, ProposalKind, SubjectKind
from registry.kit.types import UTCDateTime, str_enum, utcnow
from registry.members.models import DecisionBody


class PersonRole(enum.StrEnum):
    """A person's role in their body."""

    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    REPRESENTATIVE = "representative"
    DIRECTOR = "director"


ROLES_OF: dict[DecisionBody, frozenset[PersonRole]] = {
    DecisionBody.ALV: frozenset({PersonRole.REPRESENTATIVE, PersonRole.CHAIR}),
    DecisionBody.RVC: frozenset({PersonRole.CHAIR, PersonRole.SECRETARY, PersonRole.MEMBER}),
    DecisionBody.DIRECTIE: frozenset({PersonRole.DIRECTOR, PersonRole.CHAIR}),
}
"""The roles each body knows."""


class BodyPerson(Base):
    """A person in the ALV (representing a member), the RvC (with a term) or the directie."""

    __tablename__ = "body_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    body: Mapped[DecisionBody] = mapped_column(str_enum(DecisionBody, "person_body"))
    role: Mapped[PersonRole] = mapped_column(str_enum(PersonRole, "person_role"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class Meeting(Base):
    """A meeting of a body, or a written resolution outside a meeting (`form`)."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[DecisionBody] = mapped_column(str_enum(DecisionBody, "meeting_body"))
    form: Mapped[MeetingForm] = mapped_column(str_enum(MeetingForm, "meeting_form"))
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    minutes_reference: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaItem(Base):
    """An item on a meeting's agenda; a proposal (`kind` set) is voted on and closed once,
    which records its `Decision` with the tally."""

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ProposalKind | None] = mapped_column(str_enum(ProposalKind, "proposal_kind"))
    subject_kind: Mapped[SubjectKind | None] = mapped_column(
        str_enum(SubjectKind, "agenda_subject_kind")
    )
    subject_reference: Mapped[str | None] = mapped_column(String(200))
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT"), unique=True
    )
    adopted: Mapped[bool | None] = mapped_column()
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    abstentions: Mapped[int | None] = mapped_column(Integer)


class Attendance(Base):
    """A member present at an ALV (through its representative), or a person at the RvC or
    directie."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        UniqueConstraint("meeting_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("body_person.id", ondelete="RESTRICT"))


class Proxy(Base):
    """A written proxy of one member to another, for one ALV."""

    __tablename__ = "proxy"
    __table_args__ = (UniqueConstraint("meeting_id", "grantor_member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="RESTRICT"), index=True
    )
    grantor_member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    holder_member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    document_reference: Mapped[str] = mapped_column(String(300))


class Vote(Base):
    """One vote on one proposal: of a member (ALV) or a person (RvC, directie). The unique
    keys make a second vote of the same voter impossible; a repeated vote replaces nothing."""

    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("agenda_item_id", "member_id"),
        UniqueConstraint("agenda_item_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("body_person.id", ondelete="RESTRICT"))
    cast_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("body_person.id", ondelete="RESTRICT")
    )
    """The representative who cast a member's vote, when known (for the conflicts check)."""
    choice: Mapped[Choice] = mapped_column(str_enum(Choice, "vote_choice"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Conflict(Base):
    """A recorded conflict of interest of a person about a subject (a typed reference)."""

    __tablename__ = "conflict_of_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("body_person.id", ondelete="RESTRICT"), index=True
    )
    subject_kind: Mapped[SubjectKind] = mapped_column(
        str_enum(SubjectKind, "conflict_subject_kind")
    )
    subject_reference: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(500))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
