"""Decisions of the ALV, RvC and directie, recorded and looked up. Services flush, never
commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.kit.errors import Common, ErrorCollector, ValidationFailed
from registry.members import repository
from registry.members.errors import BODY_NAMES, MembersRefusal, decision_body
from registry.members.models import (
    Decision,
    DecisionBody,
)
from registry.members.operations import add_audited, authorise


@dataclass(frozen=True, slots=True)
class DecisionInput:
    body: str
    decided_on: date
    reference: str
    subject: str
    text: str | None = None
    document_url: str | None = None


async def record_decision(session: AsyncSession, actor: Actor, data: DecisionInput) -> Decision:
    """Record a decision of the ALV, RvC or directie; its reference is unique."""
    authorise(actor)
    errors = ErrorCollector()
    body = errors.check(partial(decision_body, data.body))
    reference = data.reference.strip()
    if not reference:
        errors.add("reference", Common.REQUIRED)
    elif await repository.decision_by_reference(session, reference) is not None:
        errors.add("reference", MembersRefusal.DECISION_RECORDED, reference=reference)
    subject = data.subject.strip()
    if not subject:
        errors.add("subject", Common.REQUIRED)
    url = (data.document_url or "").strip() or None
    if url is not None and not url.startswith(("https://", "http://")):
        errors.add("documentUrl", MembersRefusal.DOCUMENT_URL_INVALID)
    errors.raise_if_any()
    assert body is not None
    decision = Decision(
        body=body,
        decided_on=data.decided_on,
        reference=reference,
        subject=subject,
        text=(data.text or "").strip() or None,
        document_url=url,
    )
    await add_audited(session, actor, decision, decision.reference)
    return decision


async def decision_of(
    session: AsyncSession, reference: str, body: DecisionBody, field: str
) -> Decision:
    """The recorded decision `reference`, which must be one of `body`."""
    decision = await repository.decision_by_reference(session, reference.strip())
    if decision is None:
        raise ValidationFailed.single(field, MembersRefusal.UNKNOWN_DECISION, reference=reference)
    if decision.body is not body:
        raise ValidationFailed.single(
            field,
            MembersRefusal.DECISION_OF_OTHER_BODY,
            reference=decision.reference,
            body=BODY_NAMES[decision.body],
            needed=BODY_NAMES[body],
        )
    return decision


async def decision_of_any(session: AsyncSession, reference: str, field: str) -> Decision:
    """A recorded decision of any body (ALV, RvC or directie)."""
    decision = await repository.decision_by_reference(session, reference.strip())
    if decision is None:
        raise ValidationFailed.single(field, MembersRefusal.UNKNOWN_DECISION, reference=reference)
    return decision
