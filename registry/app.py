"""The application: the GraphQL API and the pages side by side, on one Litestar app.

Neither adapter knows the other: `registry.graphql` and `registry.web` both build on the
shared HTTP pieces in `registry.http` (who is calling, sessions, CSRF, security headers,
rate limits), and this module puts them together. The demo people of the development
login are only composed when REGISTRY_DEV_LOGIN is on.
"""

from __future__ import annotations

import logging

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
from registry.health import Check, migrations_at_head
from registry.http.answers import logged_handlers
from registry.http.csrf import csrf_middleware
from registry.http.headers import security_headers
from registry.http.observability import logging_config, request_ids, request_metrics
from registry.http.rate_limits import rate_limit, too_many_requests
from registry.http.security import check_settings, session_config
from registry.jobs.queue import JobQueue, Resources
from registry.reports.jobs import ReportJobs
from registry.settings import PROJECT_ROOT, Settings, get_settings
from registry.web.access import LoginRequired, check_pages, login_redirect, page_guard
from registry.web.admissions import AdmissionPagesController
from registry.web.approvals import ApprovalPagesController
from registry.web.audit import AuditController
from registry.web.audit_log import AuditLogPagesController
from registry.web.bank import BankPagesController
from registry.web.budget import BudgetPagesController, DirectiePagesController
from registry.web.business_cases import BusinessCasePagesController
from registry.web.catalogue import CatalogueController
from registry.web.contracts import ContractPagesController
from registry.web.decisions import DecisionPagesController, RatePagesController
from registry.web.deps import provide_actor, provide_db_session, provide_visit
from registry.web.downloads import DownloadsController
from registry.web.favicon import favicon
from registry.web.fees import FeePagesController
from registry.web.governance import GovernancePagesController
from registry.web.health import healthz, metrics, readyz
from registry.web.invoices import InvoicePagesController
from registry.web.login import DEV_LOGIN, LoginController, dev_login_enabled, forbidden_page
from registry.web.members import MemberPagesController
from registry.web.members_side import MembersSideController
from registry.web.open_data import OpenDataController
from registry.web.outbox import OutboxPagesController
from registry.web.pages import conflict_page, not_found_page, server_error_page
from registry.web.payments import PaymentWebhookController
from registry.web.pool_admin import PoolAdminController
from registry.web.pool_key import PoolKeyController
from registry.web.pools import PoolPagesController
from registry.web.public import PublicPagesController
from registry.web.publiccode import PubliccodeImportController, PubliccodePagesController
from registry.web.reports import ReportPagesController
from registry.web.roles import RolePagesController
from registry.web.site import configure_site
from registry.web.standards import StandardsController
from registry.web.tariffs import TariffPagesController
from registry.web.tokens import TokenPagesController
from registry.web.usage import UsagePagesController
from registry.web.webhooks import CatalogueWebhookPagesController, MemberWebhookPagesController
from registry.web.years import YearPagesController
from registry.webhooks.service import relay_after_commit

WEB_DIR = PROJECT_ROOT / "web"
logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    check_settings(settings)
    engine = create_engine(settings.database_url, echo=settings.sql_echo)
    session_factory = create_session_factory(engine)
    job_queue = JobQueue(settings)
    report_jobs = ReportJobs(settings.reports_dir, job_queue.defer_report_export)
    relay_after_commit(session_factory, job_queue.defer_webhook_delivery)
    gateway = payment_gateway(settings)
    state = State(
        {
            "settings": settings,
            "engine": engine,
            "session_factory": session_factory,
            "payment_gateway": gateway,
            "report_jobs": report_jobs,
            "job_queue": job_queue,
            "readiness_checks": [Check("job queue", job_queue.readiness)],
        }
    )

    async def start_queue() -> None:
        await job_queue.open()
        in_process = settings.worker_in_process
        if not (in_process or (in_process is None and job_queue.in_memory)):
            return
        not_migrated = await migrations_at_head(engine)
        if not_migrated:
            # The service still answers (/readyz says why it is not ready); jobs wait for it.
            logger.warning("no in-process job worker: %s", not_migrated)
            return
        await job_queue.start_worker(
            Resources(
                settings, session_factory, gateway, report_jobs, job_queue.defer_webhook_delivery
            )
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
            StandardsController,
            login,
            MemberPagesController,
            TokenPagesController,
            MemberWebhookPagesController,
            CatalogueWebhookPagesController,
            ApprovalPagesController,
            RolePagesController,
            UsagePagesController,
            MembersSideController,
            BusinessCasePagesController,
            PoolAdminController,
            PoolKeyController,
            PoolPagesController,
            RatePagesController,
            TariffPagesController,
            YearPagesController,
            FeePagesController,
            DecisionPagesController,
            ContractPagesController,
            BudgetPagesController,
            DirectiePagesController,
            GovernancePagesController,
            AdmissionPagesController,
            InvoicePagesController,
            ReportPagesController,
            AuditController,
            DownloadsController,
            AuditLogPagesController,
            OutboxPagesController,
            BankPagesController,
            PaymentWebhookController,
            favicon,
            healthz,
            readyz,
            metrics,
            create_static_files_router(path="/static", directories=[WEB_DIR / "static"]),
        ],
        dependencies={
            "db_session": Provide(provide_db_session),
            "actor": Provide(provide_actor),
            "visit": Provide(provide_visit),
        },
        # The session is loaded first: the CSRF token of a logged-in person belongs to it.
        middleware=[
            request_metrics().middleware,
            session_config(settings).middleware,
            csrf_middleware(settings),
        ],
        exception_handlers=logged_handlers(
            {
                NotFoundException: not_found_page,
                IntegrityError: conflict_page,
                OperationalError: conflict_page,
                PermissionDeniedException: forbidden_page,
                LoginRequired: login_redirect,
                TooManyRequestsException: too_many_requests,
                Exception: server_error_page,
            }
        ),
        logging_config=logging_config(settings),
        template_config=TemplateConfig(
            directory=WEB_DIR / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_site,
        ),
        state=state,
        on_startup=[start_queue],
        on_shutdown=[job_queue.close, engine.dispose],
        guards=[page_guard],
        before_send=[security_headers(settings)],
        openapi_config=None,  # the API is GraphQL; there is no REST API to describe
        debug=settings.dev_mode,
    )
    check_pages(app)
    # Outside Litestar's routing, so an unknown address gets its request id too.
    app.asgi_handler = request_ids(app.asgi_handler)
    return app
