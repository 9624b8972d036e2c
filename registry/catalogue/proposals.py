"""Members propose applications; the directie reviews them; the lead member maintains its own.

A member admin proposes an application with its own member as the lead member (trekker). It
starts as an unpublished idea that every member can see. The directie publishes it, asks for
changes with a note, or rejects it with a reason; the lead member revises a proposal it was
asked to change. Once published, the lead member's admins keep the description, repository,
standards and releases up to date; the status, ownership, lead member and publication stay
with the directie. Every step is an audit event on the application.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.audit.repository import AuditFilter, list_events
from registry.auth.policy import Permission, require, require_for
from registry.auth.roles import Actor
from registry.catalogue import repository
from registry.catalogue.errors import CatalogueRefusal
from registry.catalogue.licences import DEFAULT_LICENCE
from registry.catalogue.models import Application, ApplicationStatus, Review, ReviewStatus
from registry.catalogue.service import (
    ApplicationInput,
    _apply,
    _get,
    add_application,
    new_slug,
    record_change,
    state_before,
)
from registry.catalogue.stewardship import maintainer_or_refuse
from registry.kit.errors import Common, ErrorCollector, ValidationFailed
from registry.kit.pagination import PageRequest
from registry.members.lookup import member_or_refuse
from registry.members.repository import members_by_ids

PROBLEM_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 2000
REVIEW_OPERATIONS = ("propose", "revise", "publish", "request_changes", "reject", "maintain")


@dataclass(frozen=True, slots=True)
class ProposalInput:
    """What a member admin enters for an application it proposes (and later maintains)."""

    name: str
    description_nl: str = ""
    description_en: str = ""
    problem: str = ""
    repository_url: str | None = None
    licence: str = DEFAULT_LICENCE
    standards: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class MaintenanceInput:
    """What the lead member keeps up to date; everything else stays as the directie set it."""

    description_nl: str
    description_en: str
    repository_url: str | None
    standards: Sequence[str] = field(default_factory=tuple)
    standard_versions: Mapping[str, str] | None = None
    """The version each named standard follows; a claim not named keeps its version."""


_OUTCOME = {
    Review.PUBLISH: ReviewStatus.PUBLISHED,
    Review.REQUEST_CHANGES: ReviewStatus.CHANGES_REQUESTED,
    Review.REJECT: ReviewStatus.REJECTED,
}
OPEN = (ReviewStatus.PROPOSED, ReviewStatus.CHANGES_REQUESTED)


def _problem(errors: ErrorCollector, value: str) -> str:
    text = value.strip()
    if len(text) > PROBLEM_MAX_LENGTH:
        errors.add("problem", Common.TOO_LONG, limit=PROBLEM_MAX_LENGTH)
    return text


def _as_application(data: ProposalInput, lead: str) -> ApplicationInput:
    return ApplicationInput(
        name=data.name,
        description_nl=data.description_nl,
        description_en=data.description_en,
        lead_member=lead,
        licence=data.licence,
        repository_url=data.repository_url,
        standards=tuple(data.standards),
        published=False,
    )


async def _codes(session: AsyncSession, application: Application) -> dict[int, str]:
    ids = [i for i in (application.lead_member_id, application.owner_member_id) if i is not None]
    return {m.id: m.code for m in (await members_by_ids(session, ids)).values()}


async def propose(
    session: AsyncSession, actor: Actor, member_code: str, slug: str, data: ProposalInput
) -> Application:
    """A member admin proposes an application, with its own member as the lead member."""
    member = await member_or_refuse(session, member_code, "member")
    require_for(actor, Permission.CATALOGUE_PROPOSE, CatalogueRefusal.PROPOSE_FORBIDDEN, member)
    errors = ErrorCollector()
    slug = await new_slug(session, slug, errors)
    problem = _problem(errors, data.problem)
    application = Application(
        slug=slug,
        status=ApplicationStatus.IDEA,
        standards=[],
        releases=[],
        problem=problem,
        review_status=ReviewStatus.PROPOSED,
    )
    await add_application(
        session, actor, "propose", application, _as_application(data, member.code), errors
    )
    return application


async def revise(
    session: AsyncSession, actor: Actor, slug: str, data: ProposalInput
) -> Application:
    """The lead member changes its proposal (as the directie asked); it waits for review again."""
    application = await _get(session, slug)
    await maintainer_or_refuse(session, actor, application)
    if application.review_status not in OPEN:
        raise ValidationFailed.single(
            "slug", CatalogueRefusal.NOT_A_PROPOSAL, application=application.name
        )
    before = await state_before(session, application)
    errors = ErrorCollector()
    problem = _problem(errors, data.problem)
    codes = await _codes(session, application)
    lead = codes.get(application.lead_member_id or 0)
    await _apply(session, application, _as_application(data, lead or ""), errors)
    application.problem = problem
    application.review_status = ReviewStatus.PROPOSED
    await record_change(session, actor, "revise", application, before)
    return application


async def review(
    session: AsyncSession, actor: Actor, slug: str, decision: Review, note: str = ""
) -> Application:
    """The directie publishes a proposal, asks for changes (with a note) or rejects it (with a
    reason)."""
    require(actor, Permission.CATALOGUE_MANAGE, CatalogueRefusal.DIRECTIE_ONLY)
    application = await _get(session, slug)
    if application.review_status is None:
        raise ValidationFailed.single(
            "slug", CatalogueRefusal.NOT_A_PROPOSAL, application=application.name
        )
    if application.review_status not in OPEN:
        raise ValidationFailed.single(
            "slug",
            CatalogueRefusal.ALREADY_REVIEWED,
            application=application.name,
            outcome=application.review_status,
        )
    text = note.strip()
    if decision is not Review.PUBLISH and not text:
        raise ValidationFailed.single("note", CatalogueRefusal.NOTE_REQUIRED)
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationFailed.single("note", Common.TOO_LONG, limit=NOTE_MAX_LENGTH)
    before = await state_before(session, application)
    application.review_status = _OUTCOME[decision]
    application.review_note = text or None
    application.published = decision is Review.PUBLISH
    await record_change(session, actor, decision.value, application, before)
    return application


async def maintain(
    session: AsyncSession, actor: Actor, slug: str, data: MaintenanceInput
) -> Application:
    """The lead member's admins (or the directie) update the description, repository and
    standards; name, licence, status, owner, lead member and publication stay as they are."""
    application = await _get(session, slug)
    await maintainer_or_refuse(session, actor, application)
    before = await state_before(session, application)
    codes = await _codes(session, application)
    current = ApplicationInput(
        name=application.name,
        description_nl=data.description_nl,
        description_en=data.description_en,
        lead_member=codes.get(application.lead_member_id or 0),
        owner_member=codes.get(application.owner_member_id or 0),
        platform=application.platform,
        licence=application.licence,
        repository_url=data.repository_url,
        standards=tuple(data.standards),
        published=application.published,
        standard_versions=data.standard_versions,
    )
    await _apply(session, application, current, ErrorCollector())
    await record_change(session, actor, "maintain", application, before)
    return application


async def history(session: AsyncSession, application: Application) -> list[AuditEvent]:
    """The application's proposal, reviews and maintenance, oldest first, from the audit log."""
    page = await list_events(
        session,
        PageRequest(offset=0, limit=200),
        AuditFilter(entity_type="application", entity_id=application.slug),
    )
    return sorted(page.items, key=lambda e: e.seq)


async def proposals(session: AsyncSession) -> list[Application]:
    """Members' proposals that are not published, newest first."""
    return await repository.proposals(session)
