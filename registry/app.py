"""The application: the GraphQL API and the pages side by side, on one Litestar app.

Neither adapter knows the other: `registry.graphql` and `registry.web` both build on the
shared HTTP pieces in `registry.http` (who is calling, sessions, CSRF, security headers,
rate limits), and this module puts them together. The demo people of the development
login are only composed when REGISTRY_DEV_LOGIN is on.
"""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import (
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.exc import IntegrityError, OperationalError

from registry.billing.stripe_gateway import payment_gateway
from registry.db import create_engine, create_session_factory
from registry.graphql.endpoint import graphql_controller
from registry.http.answers import LOGGING, logged_handlers
from registry.http.csrf import csrf_middleware
from registry.http.headers import security_headers
from registry.http.rate_limits import rate_limit, too_many_requests
from registry.http.security import check_settings, session_config
from registry.reports.jobs import ReportJobs
from registry.settings import PROJECT_ROOT, Settings, get_settings
from registry.web.access import LoginRequired, check_pages, login_redirect, page_guard
from registry.web.admissions import AdmissionPagesController
from registry.web.audit import AuditController
from registry.web.catalogue import CatalogueController
from registry.web.decisions import DecisionPagesController, RatePagesController
from registry.web.deps import provide_actor, provide_db_session
from registry.web.favicon import favicon
from registry.web.fees import FeePagesController
from registry.web.invoices import InvoicePagesController
from registry.web.login import DEV_LOGIN, LoginController, dev_login_enabled, forbidden_page
from registry.web.members import MemberPagesController
from registry.web.members_side import MembersSideController
from registry.web.open_data import OpenDataController
from registry.web.pages import conflict_page, not_found_page
from registry.web.payments import PaymentWebhookController
from registry.web.pool_admin import PoolAdminController
from registry.web.pools import PoolPagesController
from registry.web.public import PublicPagesController
from registry.web.publiccode import PubliccodeImportController, PubliccodePagesController
from registry.web.reports import ReportPagesController
from registry.web.roles import RolePagesController
from registry.web.site import configure_site
from registry.web.tariffs import TariffPagesController
from registry.web.tokens import TokenPagesController
from registry.web.usage import UsagePagesController

WEB_DIR = PROJECT_ROOT / "web"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    check_settings(settings)
    engine = create_engine(settings.database_url, echo=settings.sql_echo)
    session_factory = create_session_factory(engine)
    report_jobs = ReportJobs(settings.reports_dir, session_factory)
    state = State(
        {
            "settings": settings,
            "engine": engine,
            "session_factory": session_factory,
            "payment_gateway": payment_gateway(settings),
            "report_jobs": report_jobs,
        }
    )

    if dev_login_enabled(settings):
        # Imported here: production code never loads the demo people.
        from registry.web.dev_login import dev_login

        state[DEV_LOGIN] = dev_login()

    graphql = Router(
        path="/",
        route_handlers=[graphql_controller(settings)],
        middleware=[rate_limit("rate_limit_graphql", settings.rate_limit_graphql).middleware],
    )
    login = Router(
        path="/",
        route_handlers=[LoginController],
        middleware=[rate_limit("rate_limit_login", settings.rate_limit_login).middleware],
    )
    app = Litestar(
        route_handlers=[
            graphql,
            CatalogueController,
            PublicPagesController,
            OpenDataController,
            PubliccodePagesController,
            PubliccodeImportController,
            login,
            MemberPagesController,
            TokenPagesController,
            RolePagesController,
            UsagePagesController,
            MembersSideController,
            PoolAdminController,
            PoolPagesController,
            RatePagesController,
            TariffPagesController,
            FeePagesController,
            DecisionPagesController,
            AdmissionPagesController,
            InvoicePagesController,
            ReportPagesController,
            AuditController,
            PaymentWebhookController,
            favicon,
            create_static_files_router(path="/static", directories=[WEB_DIR / "static"]),
        ],
        dependencies={
            "db_session": Provide(provide_db_session),
            "actor": Provide(provide_actor),
        },
        # The session is loaded first: the CSRF token of a logged-in person belongs to it.
        middleware=[session_config(settings).middleware, csrf_middleware(settings)],
        exception_handlers=logged_handlers(
            {
                NotFoundException: not_found_page,
                IntegrityError: conflict_page,
                OperationalError: conflict_page,
                PermissionDeniedException: forbidden_page,
                LoginRequired: login_redirect,
                TooManyRequestsException: too_many_requests,
            }
        ),
        logging_config=LOGGING,
        template_config=TemplateConfig(
            directory=WEB_DIR / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_site,
        ),
        state=state,
        on_shutdown=[report_jobs.close, engine.dispose],
        guards=[page_guard],
        before_send=[security_headers(settings)],
        openapi_config=None,  # the API is GraphQL; there is no REST API to describe
        debug=settings.dev_mode,
    )
    check_pages(app)
    return app
