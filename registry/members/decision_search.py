"""Finding recorded decisions by body, period and reference or subject (the decisions page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.kit.pagination import Page, PageRequest, like_pattern, paginate
from registry.members.models import Decision, DecisionBody


@dataclass(frozen=True, slots=True)
class DecisionSearch:
    body: DecisionBody | None = None
    decided_from: date | None = None
    decided_until: date | None = None
    text: str = ""
    """Part of the reference or the subject, case-insensitive."""


async def search_decisions(
    session: AsyncSession, search: DecisionSearch, page: PageRequest
) -> Page[Decision]:
    """The decisions that match, newest first."""
    query = select(Decision).order_by(Decision.decided_on.desc(), Decision.id.desc())
    if search.body is not None:
        query = query.where(Decision.body == search.body)
    if search.decided_from is not None:
        query = query.where(Decision.decided_on >= search.decided_from)
    if search.decided_until is not None:
        query = query.where(Decision.decided_on <= search.decided_until)
    if text := search.text.strip():
        pattern = like_pattern(text)
        query = query.where(
            or_(
                Decision.reference.ilike(pattern, escape="\\"),
                Decision.subject.ilike(pattern, escape="\\"),
            )
        )
    return await paginate(session, query, page)
