"""The Litestar application: GraphQL endpoint, public pages and static files."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from strawberry.litestar import make_graphql_controller

from registry.billing.stripe_gateway import payment_gateway
from registry.db import create_engine, create_session_factory
from registry.graphql.context import context_getter
from registry.graphql.schema import schema
from registry.reports.jobs import ReportJobs
from registry.settings import PROJECT_ROOT, Settings, get_settings
from registry.web.access import LoginRequired, check_pages, login_redirect, page_guard
from registry.web.audit import AuditController
from registry.web.catalogue import CatalogueController
from registry.web.deps import provide_actor, provide_db_session
from registry.web.fees import FeePagesController
from registry.web.headers import security_headers
from registry.web.i18n import configure_templates
from registry.web.invoices import InvoicePagesController
from registry.web.login import LoginController, csrf_middleware, forbidden_page
from registry.web.members import MemberPagesController
from registry.web.pages import not_found_page
from registry.web.payments import PaymentWebhookController
from registry.web.pools import PoolPagesController
from registry.web.reports import ReportPagesController
from registry.web.security import check_settings, session_config
from registry.web.usage import UsagePagesController

WEB_DIR = PROJECT_ROOT / "web"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    check_settings(settings)
    engine = create_engine(settings.database_url, echo=settings.sql_echo)
    session_factory = create_session_factory(engine)
    report_jobs = ReportJobs(settings.reports_dir, session_factory)
    graphql = make_graphql_controller(
        schema,
        path="/graphql",
        graphql_ide="graphiql" if settings.dev_mode else None,
        allow_queries_via_get=settings.dev_mode,
        context_getter=context_getter,
    )
    app = Litestar(
        route_handlers=[
            graphql,
            CatalogueController,
            LoginController,
            MemberPagesController,
            UsagePagesController,
            PoolPagesController,
            FeePagesController,
            InvoicePagesController,
            ReportPagesController,
            AuditController,
            PaymentWebhookController,
            create_static_files_router(path="/static", directories=[WEB_DIR / "static"]),
        ],
        dependencies={
            "db_session": Provide(provide_db_session),
            "actor": Provide(provide_actor),
        },
        # The session is loaded first: the CSRF token of a logged-in person belongs to it.
        middleware=[session_config(settings).middleware, csrf_middleware(settings)],
        exception_handlers={
            NotFoundException: not_found_page,
            PermissionDeniedException: forbidden_page,
            LoginRequired: login_redirect,
        },
        template_config=TemplateConfig(
            directory=WEB_DIR / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_templates,
        ),
        state=State(
            {
                "settings": settings,
                "engine": engine,
                "session_factory": session_factory,
                "payment_gateway": payment_gateway(settings),
                "report_jobs": report_jobs,
            }
        ),
        on_shutdown=[report_jobs.close, engine.dispose],
        guards=[page_guard],
        before_send=[security_headers(settings)],
        openapi_config=None,  # the API is GraphQL; there is no REST API to describe
        debug=settings.dev_mode,
    )
    check_pages(app)
    return app
