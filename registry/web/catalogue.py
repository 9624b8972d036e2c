"""Public catalogue pages: the searchable list of applications and one page per application."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get
from litestar.datastructures import MultiDict
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.catalogue import repository
from registry.catalogue.models import ApplicationStatus
from registry.catalogue.stewardship import may_see
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.usage import adoptions as usage
from registry.web.access import audience
from registry.web.catalogue_view import DEFAULT_SORT, Sort, catalogue_view
from registry.web.deps import CurrentVisit
from registry.web.pages import pager, render

PAGE_SIZE = 20
# Beyond this a page number is a typo or a probe, and its offset would overflow the database.
MAX_PAGE = 10_000
MAX_TEXT_LENGTH = 200

SEARCH_PARAM = "zoek"
STATUS_PARAM = "status"
LICENCE_PARAM = "licentie"
PAGE_PARAM = "pagina"
PLATFORM_PARAM = "platform"
STANDARD_PARAM = "standaard"
REFERENCE_COMPONENT_PARAM = "referentiecomponent"
CATEGORY_PARAM = "categorie"
LEAD_PARAM = "trekker"
MUNICIPALITY_PARAM = "gemeente"
SORT_PARAM = "sorteer"


@dataclass(frozen=True, slots=True)
class Ignored:
    """A query parameter value the page could not use; shown to the user, never a 500."""

    param: str
    value: str


@dataclass(frozen=True, slots=True)
class CatalogueQuery:
    search: str = ""
    statuses: tuple[ApplicationStatus, ...] = ()
    licence: str = ""
    page: int = 1
    ignored: tuple[Ignored, ...] = ()
    platform: str = ""
    standard: str = ""
    lead: str = ""
    """Code of the lead member."""
    municipality: str = ""
    """CBS code of a municipality whose member uses the application."""
    sort: Sort = DEFAULT_SORT
    reference_component: str = ""
    """Name of a GEMMA reference component the application fulfils."""
    category: str = ""
    """A publiccode.yml category of the application."""

    def filter(self, *, published_only: bool) -> repository.ApplicationFilter:
        return repository.ApplicationFilter(
            statuses=self.statuses,
            licence=self.licence or None,
            search=self.search or None,
            published_only=published_only,
            platform=self.platform or None,
            standard=self.standard or None,
            lead_member=self.lead or None,
            reference_component=self.reference_component or None,
            category=self.category or None,
        )

    @property
    def page_request(self) -> PageRequest:
        return PageRequest(offset=(self.page - 1) * PAGE_SIZE, limit=PAGE_SIZE)

    def params(self, page: int) -> list[tuple[str, str]]:
        """The usable filters as query parameters, so links drop what was ignored."""
        params = [(SEARCH_PARAM, self.search)] if self.search else []
        params += [(STATUS_PARAM, status.value) for status in self.statuses]
        params += [(LICENCE_PARAM, self.licence)] if self.licence else []
        params += [
            (param, value)
            for param, value in (
                (PLATFORM_PARAM, self.platform),
                (STANDARD_PARAM, self.standard),
                (REFERENCE_COMPONENT_PARAM, self.reference_component),
                (CATEGORY_PARAM, self.category),
                (LEAD_PARAM, self.lead),
                (MUNICIPALITY_PARAM, self.municipality),
            )
            if value
        ]
        params += [(SORT_PARAM, self.sort.value)] if self.sort is not DEFAULT_SORT else []
        params += [(PAGE_PARAM, str(page))] if page > 1 else []
        return params


def shown_value(value: str) -> str:
    """An ignored value as it can safely be echoed back: short, without control characters."""
    cleaned = "".join(c if c.isprintable() else "\ufffd" for c in value)
    return cleaned if len(cleaned) <= 40 else f"{cleaned[:40]}…"


def usable_text(value: str) -> bool:
    # PostgreSQL rejects NUL characters in text, so they would otherwise end in a 500.
    return len(value) <= MAX_TEXT_LENGTH and "\x00" not in value


def text_param(params: MultiDict[Any], param: str, ignored: list[Ignored]) -> str:
    """The text of a query parameter; an unusable one counts as empty and is `ignored`."""
    value = str(params.get(param) or "").strip()
    if usable_text(value):
        return value
    ignored.append(Ignored(param, shown_value(value)))
    return ""


def page_param(params: MultiDict[Any], ignored: list[Ignored]) -> int:
    """The page number in the query (1 when there is none); an unusable one is `ignored`."""
    raw_page = str(params.get(PAGE_PARAM) or "").strip()
    if raw_page:
        if raw_page.isascii() and raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE:
            return int(raw_page)
        ignored.append(Ignored(PAGE_PARAM, shown_value(raw_page)))
    return 1


def parse_catalogue_query(params: MultiDict[Any]) -> CatalogueQuery:
    """Read the filters from the query string; unusable values are dropped and reported."""
    ignored: list[Ignored] = []

    def text(param: str) -> str:
        return text_param(params, param, ignored)

    search = text(SEARCH_PARAM)
    licence = text(LICENCE_PARAM)
    platform, standard = text(PLATFORM_PARAM), text(STANDARD_PARAM)
    lead, municipality = text(LEAD_PARAM), text(MUNICIPALITY_PARAM)
    component, category = text(REFERENCE_COMPONENT_PARAM), text(CATEGORY_PARAM)
    sort = DEFAULT_SORT
    raw_sort = str(params.get(SORT_PARAM) or "").strip()
    if raw_sort:
        try:
            sort = Sort(raw_sort)
        except ValueError:
            ignored.append(Ignored(SORT_PARAM, shown_value(raw_sort)))
    statuses: list[ApplicationStatus] = []
    for raw in params.getall(STATUS_PARAM, []):
        value = str(raw)
        try:
            status = ApplicationStatus(value)
        except ValueError:
            ignored.append(Ignored(STATUS_PARAM, shown_value(value)))
        else:
            if status not in statuses:
                statuses.append(status)
    page = page_param(params, ignored)
    return CatalogueQuery(
        search,
        tuple(statuses),
        licence,
        page,
        tuple(ignored),
        platform=platform,
        standard=standard,
        lead=lead,
        municipality=municipality,
        sort=sort,
        reference_component=component,
        category=category,
    )


def _sees_all(actor: Actor) -> bool:
    """Unpublished applications are for the cooperative's own eyes."""
    return allows(actor, Permission.CATALOGUE_READ_UNPUBLISHED)


class CatalogueController(Controller):
    path = "/"

    @get("/", name="catalogue", opt=audience())
    async def index(self, visit: CurrentVisit) -> Template:
        query = parse_catalogue_query(visit.request.query_params)
        published_only = not _sees_all(visit.actor)
        view = await catalogue_view(
            visit.db,
            query.filter(published_only=published_only),
            sort=query.sort,
            municipality=query.municipality or None,
            page_request=query.page_request,
        )
        page = view.page
        return render(
            visit.request,
            "catalogue/list.html",
            {
                **view.context(),
                "query": query,
                "page": page,
                **pager(visit.request, page, query.page, PAGE_SIZE, query.params),
                "statuses": tuple(ApplicationStatus),
                "sorts": tuple(Sort),
            },
        )

    @get("/applicaties/{slug:str}", name="application", opt=audience())
    async def detail(self, visit: CurrentVisit, slug: FromPath[str]) -> Template:
        application = await repository.application_by_slug(visit.db, slug)
        if application is None or not may_see(visit.actor, application):
            raise NotFoundException(f"no application '{slug}'")
        releases = await repository.releases_of(visit.db, [application.id])
        standards = await repository.claimed_standards(visit.db, application.id)
        components = await repository.reference_components_of(visit.db, [application.id])
        categories = await repository.categories_of(visit.db, [application.id])
        lead_id, owner_id = application.lead_member_id, application.owner_member_id
        people = await members.members_by_ids(
            visit.db, [i for i in (lead_id, owner_id) if i is not None]
        )
        users = await usage.users_of(visit.db, application.id)
        return render(
            visit.request,
            "catalogue/detail.html",
            {
                "application": application,
                "releases": releases.get(application.id, []),
                "standards": standards,
                "reference_components": components.get(application.id, []),
                "categories": categories.get(application.id, []),
                "lead": people.get(lead_id) if lead_id is not None else None,
                "owner": people.get(owner_id) if owner_id is not None else None,
                "users": users,
            },
        )
