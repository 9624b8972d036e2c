"""The Litestar application: GraphQL endpoint, public pages and static files."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException as GraphQLHTTPException
from litestar import Litestar, Request, Response, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import (
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.exc import IntegrityError, OperationalError
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
from registry.web.headers import new_style_nonce, security_headers
from registry.web.i18n import configure_templates
from registry.web.invoices import InvoicePagesController
from registry.web.login import LoginController, csrf_middleware, forbidden_page
from registry.web.members import MemberPagesController
from registry.web.pages import conflict_page, not_found_page
from registry.web.payments import PaymentWebhookController
from registry.web.pools import PoolPagesController
from registry.web.reports import ReportPagesController
from registry.web.security import check_settings, session_config
from registry.web.usage import UsagePagesController

WEB_DIR = PROJECT_ROOT / "web"
GRAPHQL_PATH = "/graphql"


def rate_limit(store: str, per_minute: int) -> RateLimitConfig:
    """Requests per minute per client IP address; each limit counts in its own store."""
    return RateLimitConfig(rate_limit=("minute", per_minute), store=store)


def too_many_requests(
    request: Request[Any, Any, Any], exc: TooManyRequestsException
) -> Response[Any]:
    """HTTP 429 with Retry-After: a GraphQL error body for the API, a short text otherwise."""
    headers = dict(exc.headers or {})
    seconds = max(1, int(headers.get("RateLimit-Reset", "60")))
    headers["Retry-After"] = str(seconds)
    if request.url.path.startswith(GRAPHQL_PATH):
        return Response(
            {
                "data": None,
                "errors": [
                    {
                        "message": f"too many requests; try again in {seconds} seconds",
                        "extensions": {"code": "rate_limited", "retryAfter": seconds},
                    }
                ],
            },
            status_code=429,
            headers=headers,
        )
    return Response(
        f"Te veel verzoeken; probeer het over {seconds} seconden opnieuw.\n"
        f"Too many requests; try again in {seconds} seconds.\n",
        status_code=429,
        headers=headers,
        media_type="text/plain; charset=utf-8",
    )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    check_settings(settings)
    engine = create_engine(settings.database_url, echo=settings.sql_echo)
    session_factory = create_session_factory(engine)
    report_jobs = ReportJobs(settings.reports_dir, session_factory)
    base = make_graphql_controller(
        schema,
        path=GRAPHQL_PATH,
        # Development mode only; the page is ours (`render_graphql_ide`), not Strawberry's.
        graphql_ide="graphiql" if settings.dev_mode else None,
        allow_queries_via_get=settings.dev_mode,
        context_getter=context_getter,
    )

    class GraphQLController(base):  # type: ignore[valid-type,misc]
        def decode_json(self, data: str | bytes) -> object:
            """A body of `null`, `42` or `"x"` is a bad request, not a server error."""
            decoded = super().decode_json(data)
            if not isinstance(decoded, dict | list):
                raise GraphQLHTTPException(
                    400, "the request body must be a JSON object with a `query`"
                )
            return decoded

        async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Template:
            """GraphiQL from the registry's own static files, with no inline script (Strawberry's
            page loads it from a CDN). Its dialogs add a `<style>` element: the page's policy
            allows one with this response's nonce, which the page hands to GraphiQL."""
            nonce = new_style_nonce(request.scope.setdefault("state", {}))
            return Template(
                "graphql/graphiql.html",
                context={"endpoint": GRAPHQL_PATH, "style_nonce": nonce},
            )

    graphql = Router(
        path="/",
        route_handlers=[GraphQLController],
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
            login,
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
            IntegrityError: conflict_page,
            OperationalError: conflict_page,
            PermissionDeniedException: forbidden_page,
            LoginRequired: login_redirect,
            TooManyRequestsException: too_many_requests,
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
