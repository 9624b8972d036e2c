"""Rules for the catalogue: creating and editing applications, their lifecycle and releases."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded, record, record_row, recording_change
from registry.audit.snapshot import Snapshot, snapshot
from registry.auth.policy import Permission, require, require_for
from registry.auth.roles import Actor
from registry.catalogue import repository
from registry.catalogue.errors import CatalogueRefusal
from registry.catalogue.fields import required_text, web_address
from registry.catalogue.licences import DEFAULT_LICENCE, spdx_expression
from registry.catalogue.lifecycle import check_transition
from registry.catalogue.models import (
    Application,
    ApplicationStatus,
    BusinessCase,
    BusinessCaseDecision,
    CommunityMember,
    JoinStage,
    Release,
    StandardClaim,
)
from registry.catalogue.standards import VERSION_MAX_LENGTH, standards_named
from registry.catalogue.stewardship import maintainer_or_refuse
from registry.db import serialise
from registry.kit.errors import (
    Common,
    ErrorCollector,
    NotFound,
    RefusedValue,
    ValidationFailed,
)
from registry.kit.money import NumberRefusal, parse_euro, to_cents
from registry.kit.types import utcnow
from registry.members import repository as members
from registry.members.lookup import member_or_refuse, unknown_member
from registry.members.models import Member
from registry.webhooks.events import EventType
from registry.webhooks.service import emit

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX_LENGTH = 80


@dataclass(frozen=True, slots=True)
class ApplicationInput:
    """Everything a directie user enters for an application; `None` owner means the cooperative."""

    name: str
    description_nl: str = ""
    description_en: str = ""
    lead_member: str | None = None
    owner_member: str | None = None
    platform: str = ""
    licence: str = DEFAULT_LICENCE
    repository_url: str | None = None
    standards: Sequence[str] = field(default_factory=tuple)
    published: bool = True
    standard_versions: Mapping[str, str] | None = None
    """The version each named standard follows; a claim not named keeps its version."""


@dataclass(frozen=True, slots=True)
class ReleaseInput:
    version: str
    released_on: date
    notes: str = ""


async def _member(
    session: AsyncSession, errors: ErrorCollector, field_name: str, code: str | None
) -> Member | None:
    if not code:
        return None
    return await errors.check_awaitable(member_or_refuse(session, code, field_name))


async def _apply(
    session: AsyncSession, application: Application, data: ApplicationInput, errors: ErrorCollector
) -> None:
    """Validate `data` and, only when all of it is valid, write it onto `application`."""
    name = required_text(errors, "name", data.name, 200)
    licence = errors.check(lambda: spdx_expression(data.licence))
    url = errors.check(lambda: web_address(data.repository_url))
    lead = await _member(session, errors, "lead_member", data.lead_member)
    owner = await _member(session, errors, "owner_member", data.owner_member)
    standards = sorted({s.strip() for s in data.standards if s.strip()})
    for i, standard in enumerate(standards):
        if len(standard) > 200:
            errors.add(f"standards[{i}]", Common.TOO_LONG, limit=200)
    versions = {k.strip(): v.strip() for k, v in (data.standard_versions or {}).items()}
    for standard, version in versions.items():
        if standard not in standards:
            errors.add(
                "standardVersions", CatalogueRefusal.VERSION_WITHOUT_CLAIM, standard=standard[:200]
            )
        elif len(version) > VERSION_MAX_LENGTH:
            errors.add("standardVersions", Common.TOO_LONG, limit=VERSION_MAX_LENGTH)
    errors.raise_if_any()
    assert licence is not None
    application.name = name
    application.description_nl = data.description_nl.strip()
    application.description_en = data.description_en.strip()
    application.platform = data.platform.strip()
    application.licence = licence
    application.repository_url = url
    application.lead_member_id = lead.id if lead else None
    application.owner_member_id = owner.id if owner else None
    application.published = data.published
    rows = await standards_named(session, standards)
    current = {c.standard: c for c in application.standards}
    application.standards = [current.get(s) or StandardClaim(standard=s) for s in standards]
    for claim in application.standards:
        claim.standard_id = rows[claim.standard].id
        if claim.standard in versions:
            claim.version = versions[claim.standard]


def _authorise(actor: Actor) -> None:
    require(actor, Permission.CATALOGUE_MANAGE, CatalogueRefusal.DIRECTIE_ONLY)


def _state(application: Application) -> Snapshot:
    return snapshot(
        application,
        exclude=frozenset({"created_at", "updated_at"}),
        standards=[c.standard for c in application.standards],
    )


async def state_before(session: AsyncSession, application: Application) -> Snapshot:
    """The application as the audit log records it, read before a change: its standards are
    loaded first, as the state lists them."""
    await session.refresh(application, ["standards"])
    return _state(application)


async def record_change(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    application: Application,
    before: Snapshot | None,
) -> None:
    """Write a change to an application and record it: the audit event with its state
    `before` (None when it is new) and after, and the webhook when it is published."""
    await session.flush()
    await record(
        session,
        actor,
        operation=operation,
        entity_type="application",
        entity_id=application.slug,
        before=before,
        after=_state(application),
    )
    if application.published:
        published = before is None or not before.get("published")
        await emit(
            session,
            EventType.APPLICATION_PUBLISHED if published else EventType.APPLICATION_CHANGED,
            {
                "slug": application.slug,
                "name": application.name,
                "status": application.status.value,
                "operation": operation,
                "publiccode": f"/applicaties/{application.slug}/publiccode.yml",
            },
        )


async def create_application(
    session: AsyncSession,
    actor: Actor,
    slug: str,
    data: ApplicationInput,
    status: ApplicationStatus = ApplicationStatus.IDEA,
) -> Application:
    _authorise(actor)
    errors = ErrorCollector()
    slug = await new_slug(session, slug, errors)
    application = Application(slug=slug, status=status, standards=[], releases=[])
    await add_application(session, actor, "create", application, data, errors)
    return application


async def new_slug(session: AsyncSession, slug: str, errors: ErrorCollector) -> str:
    """The slug of a new application, stripped; a malformed or taken one goes to `errors`."""
    slug = slug.strip()
    if not SLUG.fullmatch(slug) or len(slug) > SLUG_MAX_LENGTH:
        errors.add("slug", CatalogueRefusal.INVALID_SLUG, limit=SLUG_MAX_LENGTH)
    elif await repository.application_by_slug(session, slug) is not None:
        errors.add("slug", CatalogueRefusal.SLUG_TAKEN, slug=slug)
    return slug


async def add_application(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    application: Application,
    data: ApplicationInput,
    errors: ErrorCollector,
) -> None:
    """Fill a new application from its form (refused with everything `errors` holds by
    then), store it and record it, with its webhook: created by the directie or proposed."""
    await _apply(session, application, data, errors)
    session.add(application)
    await record_change(session, actor, operation, application, None)


async def _get(session: AsyncSession, slug: str) -> Application:
    application = await repository.application_by_slug(session, slug)
    if application is None:
        raise NotFound(CatalogueRefusal.NO_APPLICATION, slug=slug)
    return application


async def _to_change(
    session: AsyncSession, actor: Actor, slug: str
) -> tuple[Application, Snapshot]:
    """The application the directie changes, with its state before the change."""
    _authorise(actor)
    application = await _get(session, slug)
    return application, await state_before(session, application)


async def update_application(
    session: AsyncSession, actor: Actor, slug: str, data: ApplicationInput
) -> Application:
    application, before = await _to_change(session, actor, slug)
    await _apply(session, application, data, ErrorCollector())
    await record_change(session, actor, "update", application, before)
    return application


async def change_status(
    session: AsyncSession, actor: Actor, slug: str, target: ApplicationStatus
) -> Application:
    application, before = await _to_change(session, actor, slug)
    check_transition(application.status, target)
    if target is ApplicationStatus.BUILD:
        cases = await repository.business_cases_of(session, application.id)
        if not any(c.decision is BusinessCaseDecision.POSITIVE for c in cases):
            raise ValidationFailed.single(
                "status", CatalogueRefusal.BUILD_WITHOUT_POSITIVE_CASE, application=application.name
            )
    application.status = target
    await record_change(session, actor, "transition", application, before)
    return application


async def add_release(
    session: AsyncSession, actor: Actor, slug: str, data: ReleaseInput
) -> Release:
    application = await _get(session, slug)
    await maintainer_or_refuse(session, actor, application)  # the directie or the lead member
    errors = ErrorCollector()
    version = required_text(errors, "version", data.version, 50)
    if version and await repository.release_exists(session, application.id, version):
        errors.add("version", CatalogueRefusal.RELEASE_RECORDED, version=version)
    errors.raise_if_any()
    release = Release(
        application_id=application.id,
        version=version,
        released_on=data.released_on,
        notes=data.notes.strip(),
    )
    application.updated_at = utcnow()
    await add_recorded(session, actor, release, entity_id=f"{application.slug}@{version}")
    return release


@dataclass(frozen=True, slots=True)
class BusinessCaseInput:
    title: str
    participants: Sequence[str] = ()
    development: str = "0"
    own_staff: str = "0"
    implementation: str = "0"
    operation: str = "0"
    maintenance: str = "0"
    hosting: str = "0"
    expected_usage_fees: str = "0"
    risks: str = ""


COST_HEADS = (
    "development",
    "own_staff",
    "implementation",
    "operation",
    "maintenance",
    "hosting",
    "expected_usage_fees",
)


async def create_business_case(
    session: AsyncSession, actor: Actor, slug: str, data: BusinessCaseInput
) -> BusinessCase:
    """The decision basis for building or bringing in an application or an extension."""
    _authorise(actor)
    application = await _get(session, slug)
    errors = ErrorCollector()
    title = required_text(errors, "title", data.title, 200)
    if title and any(
        c.title == title for c in await repository.business_cases_of(session, application.id)
    ):
        errors.add("title", CatalogueRefusal.CASE_TITLE_TAKEN, title=title)
    amounts, participants = await _case_figures(session, errors, data)
    errors.raise_if_any()
    case = BusinessCase(
        application_id=application.id,
        title=title,
        risks=data.risks.strip(),
        participants=participants,
        **amounts,
    )
    session.add(case)
    await session.flush()
    await record(
        session,
        actor,
        operation="create",
        entity_type="business_case",
        entity_id=str(case.id),
        before=None,
        after=snapshot(case, participants=[m.code for m in case.participants]),
    )
    return case


async def _case_figures(
    session: AsyncSession, errors: ErrorCollector, data: BusinessCaseInput
) -> tuple[dict[str, int], list[Member]]:
    """The cost heads in cents and the participating members; what is wrong goes to `errors`."""
    amounts: dict[str, int] = {}
    for head in COST_HEADS:
        try:
            value = parse_euro(getattr(data, head))
        except RefusedValue as exc:
            errors.add(head, CatalogueRefusal.INVALID_AMOUNT, reason=exc.phrase)
            continue
        if value < 0:
            errors.add(head, NumberRefusal.NEGATIVE)
        amounts[f"{head}_cents"] = to_cents(value)
    found = await members.members_by_codes(session, list(data.participants))
    for i, code in enumerate(data.participants):
        if code not in found:
            errors.errors.append(unknown_member(f"participants[{i}]", code))
    return amounts, [found[c] for c in dict.fromkeys(data.participants) if c in found]


async def save_business_case_draft(
    session: AsyncSession, actor: Actor, slug: str, data: BusinessCaseInput
) -> BusinessCase:
    """The lead member's admins (or the directie) write the business case of their application:
    a new one, or an undecided one with the same title revised. The decision on it stays with
    the directie (`decide_business_case`); a decided case is no longer changed."""
    application = await _get(session, slug)
    await maintainer_or_refuse(session, actor, application)
    await serialise(session, f"business_cases:{application.id}")
    errors = ErrorCollector()
    title = required_text(errors, "title", data.title, 200)
    same = [
        c for c in await repository.business_cases_of(session, application.id) if c.title == title
    ]
    if same and same[0].decision is not None:
        errors.add("title", CatalogueRefusal.CASE_DECIDED)
    amounts, participants = await _case_figures(session, errors, data)
    errors.raise_if_any()
    if not same:
        case = BusinessCase(
            application_id=application.id,
            title=title,
            risks=data.risks.strip(),
            participants=participants,
            **amounts,
        )
        session.add(case)
        before = None
    else:
        case = same[0]
        await session.refresh(case, ["participants"])
        before = snapshot(case, participants=[m.code for m in case.participants])
        for name, value in amounts.items():
            setattr(case, name, value)
        case.risks = data.risks.strip()
        case.participants = participants
    await session.flush()
    await record_row(
        session,
        actor,
        "create" if before is None else "update",
        "business_case",
        case,
        before=before,
        participants=[m.code for m in participants],
    )
    return case


async def decide_business_case(
    session: AsyncSession,
    actor: Actor,
    slug: str,
    title: str,
    decision: BusinessCaseDecision,
    decided_by: str,
    decided_on: date,
    reference: str | None = None,
) -> BusinessCase:
    """Record the positive or negative decision on a business case, once."""
    _authorise(actor)
    application = await _get(session, slug)
    cases = [
        c for c in await repository.business_cases_of(session, application.id) if c.title == title
    ]
    if not cases:
        raise NotFound(CatalogueRefusal.NO_BUSINESS_CASE, title=title, application=application.name)
    (case,) = cases
    if case.decision is not None:
        raise ValidationFailed.single("decision", CatalogueRefusal.CASE_DECIDED)
    if not decided_by.strip():
        raise ValidationFailed.single("decidedBy", CatalogueRefusal.DECIDER_REQUIRED)
    async with recording_change(session, actor, "decide", case):
        case.decision = decision
        case.decided_by = decided_by.strip()
        case.decided_on = decided_on
        case.decision_reference = (reference or "").strip() or None
    return case


async def join_community(
    session: AsyncSession,
    actor: Actor,
    slug: str,
    member_code: str,
    stage: JoinStage,
    joined_on: date,
) -> CommunityMember:
    """A member takes part in an application's community (before adopting it, say)."""
    application = await _get(session, slug)
    member = await member_or_refuse(session, member_code)
    require_for(actor, Permission.COMMUNITY_TAKE_PART, CatalogueRefusal.COMMUNITY_FORBIDDEN, member)
    if any(
        c.member_id == member.id for c in await repository.community_of(session, application.id)
    ):
        raise ValidationFailed.single(
            "member", CatalogueRefusal.ALREADY_IN_COMMUNITY, member=member.name
        )
    joined = CommunityMember(
        application_id=application.id, member_id=member.id, stage=stage, joined_on=joined_on
    )
    await add_recorded(session, actor, joined, entity_type="community_member", member_id=member.id)
    return joined


async def set_equal_say(session: AsyncSession, actor: Actor, slug: str, equal: bool) -> Application:
    """Whether members joining the community later get an equal say on further development."""
    application, before = await _to_change(session, actor, slug)
    application.late_joiners_equal_say = equal
    await record_change(session, actor, "update", application, before)
    return application
