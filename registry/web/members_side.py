"""The members' side of the catalogue: propose an application, the directie's review, the
lead member's maintenance, the community (interest, joining, leaving) and the calculator
"What would it cost us?". Every form writes through the same domain functions as the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.auth.roles import Role
from registry.catalogue import communities, proposals, publiccode, standards
from registry.catalogue import repository as catalogue
from registry.catalogue.errors import CatalogueRefusal
from registry.catalogue.licences import DEFAULT_LICENCE
from registry.catalogue.models import Application, JoinStage, Review
from registry.catalogue.service import ReleaseInput, add_release
from registry.catalogue.stewardship import may_maintain, sees_interest, sees_proposals
from registry.costs import calculator
from registry.kit.clock import today
from registry.kit.errors import DomainError, FieldError, RefusedValue, ValidationFailed
from registry.kit.money import parse_number
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.members.models import Member
from registry.usage.leaving import leave_community
from registry.usage.models import Metric
from registry.web.access import audience
from registry.web.deps import AnyRequest, CurrentVisit, DbSession, Visit
from registry.web.forms import Flash, iso_date, notice_for, posted, refusals, shown_again, submit
from registry.web.pages import render

NOTICE_KEY = "members_side_notice"
Work = Callable[[dict[str, str]], Awaitable[str]]


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _claims(text: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Standards one per line, each optionally with its version after a semicolon
    (`ZGW API's; 1.5`): the names, and the version of every line (empty when none is given)."""
    names: list[str] = []
    versions: dict[str, str] = {}
    for line in _lines(text):
        name, _, version = line.partition(";")
        names.append(name.strip())
        versions[name.strip()] = version.strip()
    return tuple(names), versions


async def _acting_members(visit: Visit, permission: Permission) -> list[Member]:
    """The members this person may act for with `permission` (every member for the directie)."""
    if allows(visit.actor, permission):
        every = await members.list_members(
            visit.db, PageRequest(offset=0, limit=1000), search=None, type_=None
        )
        return list(every.items)
    found = await members.members_by_ids(visit.db, sorted(visit.actor.member_ids))
    return sorted(
        (m for m in found.values() if allows(visit.actor, permission, m.id)), key=lambda m: m.name
    )


async def _application(visit: Visit, slug: str) -> Application:
    try:
        return await communities.visible_application(visit.db, visit.actor, slug)
    except DomainError:
        raise NotFoundException(f"no application '{slug}'") from None


def _proposal_input(form: dict[str, str]) -> proposals.ProposalInput:
    return proposals.ProposalInput(
        name=form.get("name", ""),
        description_nl=form.get("description_nl", ""),
        description_en=form.get("description_en", ""),
        problem=form.get("problem", ""),
        repository_url=form.get("repository_url") or None,
        licence=form.get("licence", "") or "",
        standards=_lines(form.get("standards", "")),
    )


async def _propose_page(
    request: AnyRequest,
    db_session: AsyncSession,
    code: str,
    form: dict[str, str],
    errors: tuple[FieldError, ...] = (),
    status_code: int = 200,
) -> Response[Any]:
    member = await members.member_by_code(db_session, code)
    assert member is not None  # the guard found it
    return render(
        request,
        "members_side/propose.html",
        {"member": member, "form": form, "errors": errors},
        status_code=status_code,
    )


class MembersSideController(Controller):
    path = "/"
    include_in_schema = False

    # --- propose -------------------------------------------------------------------------

    @get(
        "/leden/{code:str}/voorstellen",
        name="propose",
        opt=audience(Permission.CATALOGUE_PROPOSE, member_param="code"),
    )
    async def propose_form(
        self, request: AnyRequest, db_session: DbSession, code: FromPath[str]
    ) -> Response[Any]:
        return await _propose_page(request, db_session, code, {"licence": DEFAULT_LICENCE})

    @post(
        "/leden/{code:str}/voorstellen",
        opt=audience(Permission.CATALOGUE_PROPOSE, member_param="code"),
    )
    async def propose(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        form = await posted(visit.request)
        slug = form.get("slug", "")
        return await submit(
            visit,
            lambda: proposals.propose(visit.db, visit.actor, code, slug, _proposal_input(form)),
            lambda _: Flash(NOTICE_KEY, "proposed", f"/applicaties/{slug.strip()}/beheer"),
            shown_again(_propose_page, visit.request, visit.db, code, form),
            refused=DomainError,
        )

    @get("/voorstellen", name="proposals", opt=audience(login=True))
    async def proposals_list(self, visit: CurrentVisit) -> Response[Any]:
        if not sees_proposals(visit.actor):
            raise NotFoundException("proposals are for members")
        found = await proposals.proposals(visit.db)
        leads = await members.members_by_ids(
            visit.db, [a.lead_member_id for a in found if a.lead_member_id]
        )
        return render(
            visit.request,
            "members_side/proposals.html",
            {
                "proposals": found,
                "leads": leads,
                "may_propose": await _acting_members(visit, Permission.CATALOGUE_PROPOSE)
                if not allows(visit.actor, Permission.CATALOGUE_MANAGE)
                else [],
            },
        )

    # --- review and maintenance --------------------------------------------------------

    async def _manage_page(
        self,
        visit: Visit,
        slug: str,
        *,
        errors: tuple[FieldError, ...] = (),
        form: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response[Any]:
        application = await _application(visit, slug)
        await visit.db.refresh(application, ["standards"])
        lead = (
            (await members.members_by_ids(visit.db, [application.lead_member_id])).get(
                application.lead_member_id
            )
            if application.lead_member_id
            else None
        )
        releases = (await catalogue.releases_of(visit.db, [application.id])).get(application.id, [])
        return render(
            visit.request,
            "members_side/manage.html",
            {
                "application": application,
                "lead": lead,
                "releases": releases,
                "standards": [c.standard for c in application.standards],
                "standard_lines": [
                    f"{c.standard}; {c.version}" if c.version else c.standard
                    for c in application.standards
                ],
                "history": await proposals.history(visit.db, application),
                "may_classify": allows(visit.actor, Permission.CATALOGUE_MANAGE),
                "all_categories": sorted(
                    publiccode.categories(),
                    key=lambda code: publiccode.category_name(code, visit.language),
                ),
                "categories": (await catalogue.categories_of(visit.db, [application.id])).get(
                    application.id, []
                ),
                "reference_components": (
                    await catalogue.reference_components_of(visit.db, [application.id])
                ).get(application.id, []),
                "may_review": allows(visit.actor, Permission.CATALOGUE_MANAGE)
                and application.review_status in proposals.OPEN,
                "may_maintain": may_maintain(visit.actor, application),
                "may_revise": may_maintain(visit.actor, application)
                and application.review_status in proposals.OPEN,
                "errors": errors,
                "form": form or {},
                "notice": notice_for(visit, NOTICE_KEY),
                "today": today(),
            },
            status_code=status_code,
        )

    @get("/applicaties/{slug:str}/beheer", name="application-manage", opt=audience(login=True))
    async def manage(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        return await self._manage_page(visit, slug)

    async def _change(self, visit: Visit, slug: str, work: Work, tab: str) -> Response[Any]:
        """Do `work` with the posted form; on a refusal show the tab again with what was typed."""
        form = await posted(visit.request)
        page = self._manage_page if tab == "beheer" else self._community_page
        return await submit(
            visit,
            lambda: work(form),
            lambda notice: Flash(NOTICE_KEY, notice, f"/applicaties/{slug}/{tab}"),
            shown_again(page, visit, slug, form=form),
            refused=DomainError,
        )

    @post("/applicaties/{slug:str}/beoordelen", opt=audience(Permission.CATALOGUE_MANAGE))
    async def review(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        async def work(form: dict[str, str]) -> str:
            try:
                decision = Review(form.get("decision", ""))
            except ValueError:
                raise ValidationFailed.single(
                    "decision", CatalogueRefusal.NOT_A_PROPOSAL, application=slug
                ) from None
            await proposals.review(visit.db, visit.actor, slug, decision, form.get("note", ""))
            return decision.value

        return await self._change(visit, slug, work, "beheer")

    @post("/applicaties/{slug:str}/herzien", opt=audience(login=True))
    async def revise(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        async def work(form: dict[str, str]) -> str:
            await proposals.revise(visit.db, visit.actor, slug, _proposal_input(form))
            return "revised"

        return await self._change(visit, slug, work, "beheer")

    @post("/applicaties/{slug:str}/onderhouden", opt=audience(login=True))
    async def maintain(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        async def work(form: dict[str, str]) -> str:
            names, versions = _claims(form.get("standards", ""))
            data = proposals.MaintenanceInput(
                form.get("description_nl", ""),
                form.get("description_en", ""),
                form.get("repository_url") or None,
                names,
                versions,
            )
            await proposals.maintain(visit.db, visit.actor, slug, data)
            return "maintained"

        return await self._change(visit, slug, work, "beheer")

    @post("/applicaties/{slug:str}/indeling", opt=audience(Permission.CATALOGUE_MANAGE))
    async def classify(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        chosen = [str(c) for c in (await visit.request.form()).getall("categorie", [])][:200]

        async def work(form: dict[str, str]) -> str:
            await standards.set_categories(visit.db, visit.actor, slug, chosen)
            components = _lines(form.get("reference_components", ""))
            await standards.set_reference_components(visit.db, visit.actor, slug, components)
            return "classified"

        return await self._change(visit, slug, work, "beheer")

    @post("/applicaties/{slug:str}/versies", opt=audience(login=True))
    async def release(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        async def work(form: dict[str, str]) -> str:
            on = iso_date(
                form.get("released_on", ""), "released_on", CatalogueRefusal.INVALID_RELEASE_DATE
            )
            data = ReleaseInput(form.get("version", ""), on, form.get("notes", ""))
            await add_release(visit.db, visit.actor, slug, data)
            return "released"

        return await self._change(visit, slug, work, "beheer")

    # --- community ---------------------------------------------------------------------

    async def _community_page(
        self,
        visit: Visit,
        slug: str,
        *,
        errors: tuple[FieldError, ...] = (),
        form: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response[Any]:
        application = await _application(visit, slug)
        seen = await communities.community(visit.db, application)
        acting = (
            await _acting_members(visit, Permission.COMMUNITY_TAKE_PART)
            if visit.actor.authenticated
            else []
        )
        return render(
            visit.request,
            "members_side/community.html",
            {
                "application": application,
                "community": seen,
                "sees_interest": sees_interest(visit.actor, application),
                "acting": acting,
                "member_options": [(m.code, m.name) for m in acting],
                "estimating": await _acting_members(visit, Permission.COSTS_ESTIMATE)
                if visit.actor.authenticated and not visit.actor.has_role(Role.AUDITOR)
                else [],
                "stages": list(JoinStage),
                "errors": errors,
                "form": form or {},
                "notice": notice_for(visit, NOTICE_KEY),
                "today": today(),
            },
            status_code=status_code,
        )

    @get("/applicaties/{slug:str}/gemeenschap", name="community", opt=audience())
    async def community(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        return await self._community_page(visit, slug)

    @post("/applicaties/{slug:str}/gemeenschap/belangstelling", opt=audience(login=True))
    async def interest(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        async def work(form: dict[str, str]) -> str:
            await communities.register_interest(
                visit.db, visit.actor, slug, form.get("member", ""), today()
            )
            return "interested"

        return await self._change(visit, slug, work, "gemeenschap")

    @post("/applicaties/{slug:str}/gemeenschap/deelnemen", opt=audience(login=True))
    async def join(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        async def work(form: dict[str, str]) -> str:
            try:
                stage = JoinStage(form.get("stage", ""))
            except ValueError:
                stage = JoinStage.IDEA
            on = iso_date(form.get("joined_on", ""), "joinedOn", CatalogueRefusal.INVALID_JOIN_DATE)
            await communities.join(
                visit.db, visit.actor, slug, form.get("member", ""), stage, on, today()
            )
            return "joined"

        return await self._change(visit, slug, work, "gemeenschap")

    @post("/applicaties/{slug:str}/gemeenschap/verlaten", opt=audience(login=True))
    async def leave(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        async def work(form: dict[str, str]) -> str:
            await leave_community(visit.db, visit.actor, slug, form.get("member", ""))
            return "left"

        return await self._change(visit, slug, work, "gemeenschap")

    # --- what would it cost us? -----------------------------------------------------

    @get(
        "/leden/{code:str}/kostenberekening",
        name="cost-calculator",
        opt=audience(Permission.COSTS_ESTIMATE, member_param="code"),
    )
    async def calculator(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        member = await members.member_by_code(visit.db, code)
        assert member is not None
        params = visit.request.query_params
        slug = str(params.get("applicatie") or "")
        applications = [a for a in await catalogue.list_all(visit.db) if a.published]
        estimate = None
        errors: tuple[FieldError, ...] = ()
        quantities: dict[str, Decimal] = {}
        form = {k: str(v) for k, v in params.items()}
        if slug:
            try:
                for metric in Metric:
                    raw = str(params.get(f"gebruik_{metric.value}") or "").strip()
                    if raw:
                        try:
                            quantities[metric.value] = parse_number(raw)
                        except RefusedValue as exc:
                            raise ValidationFailed.single(
                                f"expectedUsage.{metric.value}", exc.phrase
                            ) from None
                estimate = await calculator.estimate(
                    visit.db, visit.actor, member.code, slug, today(), quantities
                )
            except DomainError as error:
                errors = refusals(error)
        return render(
            visit.request,
            "members_side/calculator.html",
            {
                "member": member,
                "application_options": [("", "–")] + [(a.slug, a.name) for a in applications],
                "slug": slug,
                "estimate": estimate,
                "errors": errors,
                "form": form,
                "metrics": list(Metric),
                "today": today(),
            },
            status_code=422 if errors else 200,
        )
