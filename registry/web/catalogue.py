"""Public catalogue pages."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from registry.catalogue import repository
from registry.kit.pagination import PageRequest


class CatalogueController(Controller):
    path = "/"

    @get("/")
    async def index(self, db_session: AsyncSession) -> Template:
        page = await repository.list_applications(
            db_session, PageRequest(0, 100), repository.ApplicationFilter()
        )
        return Template("catalogue/list.html", context={"applications": page.items})
