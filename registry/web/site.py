"""What every page knows about the cooperative running the registry: its name, address and
contact details (from the settings, so another cooperative configures its own), for the
footer and the about, privacy and accessibility pages."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine

from registry.kit.charts import bar_chart, svg_number
from registry.settings import Settings, get_settings
from registry.web.charts import CHART_GLOBALS
from registry.web.deps import AnyRequest, settings_of
from registry.web.i18n import configure_templates


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    street: str
    postal_code: str
    city: str
    kvk: str
    email: str
    phone: str
    privacy_email: str
    graphiql: bool
    """GraphiQL is served (development mode only)."""

    @property
    def phone_uri(self) -> str:
        digits = "".join(c for c in self.phone if c.isdigit() or c == "+")
        return f"tel:{digits}"

    @classmethod
    def of(cls, settings: Settings) -> Organisation:
        return cls(
            name=settings.cooperative_name,
            street=settings.cooperative_street,
            postal_code=settings.cooperative_postal_code,
            city=settings.cooperative_city,
            kvk=settings.cooperative_kvk,
            email=settings.contact_email,
            phone=settings.contact_phone,
            privacy_email=settings.privacy_email,
            graphiql=settings.dev_mode,
        )


def organisation_of(request: AnyRequest) -> Organisation:
    return Organisation.of(settings_of(request))


def configure_site(engine: JinjaTemplateEngine) -> None:
    """The translations and filters of `configure_templates`, plus the `organisation()` global."""
    configure_templates(engine)

    @pass_context
    def organisation(context: Context) -> Organisation:
        request = context.get("request")
        settings = settings_of(request) if isinstance(request, Request) else get_settings()
        return Organisation.of(settings)

    engine.engine.globals["organisation"] = organisation
    engine.engine.globals["bar_chart"] = bar_chart
    engine.engine.globals.update(CHART_GLOBALS)
    engine.engine.filters["svg"] = svg_number
