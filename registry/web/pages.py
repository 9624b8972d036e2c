"""Rendering a page: its language, the language switch and links that keep the query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.exceptions.responses import create_debug_response, create_exception_response
from litestar.response import Template

from registry.http import GRAPHQL_PATH
from registry.http.observability import current_request_id
from registry.kit.language import LANGUAGES
from registry.kit.pagination import Page
from registry.web.deps import AnyRequest
from registry.web.i18n import LANGUAGE_COOKIE, LANGUAGE_PARAM, request_language

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def url_with(request: AnyRequest, **changes: str | int | None) -> str:
    """The current path and query, in its order, with some parameters replaced (None drops)."""
    current = parse_qsl(request.url.query, keep_blank_values=True)
    kept = [(key, value) for key, value in current if key not in changes]
    added = [(key, str(value)) for key, value in changes.items() if value is not None]
    query = urlencode(kept + added)
    return f"{request.url.path}?{query}" if query else request.url.path


def pager(
    request: AnyRequest,
    page: Page[Any],
    number: int,
    size: int,
    params: Callable[[int], list[tuple[str, str]]],
) -> dict[str, Any]:
    """What a paged list shows below its rows: this page's number, the number of pages and the
    links to the previous, next and first page. `params(n)` is the query of page n with the
    list's filters; an explicit language choice is kept too. The member list and the catalogue
    page alike, so both build their links here."""

    def url(other: int) -> str:
        query = params(other)
        if language := request.query_params.get(LANGUAGE_PARAM):
            query.append((LANGUAGE_PARAM, str(language)))
        return f"{request.url.path}?{urlencode(query)}" if query else request.url.path

    return {
        "page_number": number,
        "page_count": max(1, -(-page.total // size)),
        "previous_url": url(number - 1) if number > 1 else None,
        "next_url": url(number + 1) if page.has_next else None,
        "first_page_url": url(1),
    }


def content_disposition(filename: str) -> str:
    """Save as `filename` (RFC 6266): the name exactly, in UTF-8, and an ASCII stand-in for
    clients that know only the quoted form; quotes and line breaks never reach the header."""
    plain = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment(content: bytes, media_type: str, filename: str) -> Response[bytes]:
    """A file the browser saves under `filename` instead of showing it (an export's answer)."""
    return Response(
        content,
        media_type=media_type,
        status_code=200,
        headers={"Content-Disposition": content_disposition(filename)},
    )


def render(
    request: AnyRequest, template_name: str, context: Mapping[str, Any], *, status_code: int = 200
) -> Template:
    """Render in the request's language; an explicit ?lang= is remembered in a cookie."""
    language = request_language(request)
    other = next(code for code in LANGUAGES if code != language)
    cookies = []
    if request.query_params.get(LANGUAGE_PARAM) == language != request.cookies.get(LANGUAGE_COOKIE):
        cookies.append(
            Cookie(
                key=LANGUAGE_COOKIE,
                value=language,
                max_age=_COOKIE_MAX_AGE,
                path="/",
                samesite="lax",
                httponly=True,
            )
        )
    return Template(
        template_name,
        context={
            **context,
            "lang": language,
            "switch_language": other,
            "switch_language_name": LANGUAGE_NAMES[other],
            "switch_language_url": url_with(request, **{LANGUAGE_PARAM: other}),
            "request_id": current_request_id(),
        },
        status_code=status_code,
        cookies=cookies,
        # The same URL is Dutch or English depending on the cookie.
        headers={"Content-Language": language, "Vary": "Cookie"},
    )


def not_found_page(request: AnyRequest, _exc: NotFoundException) -> Template:
    """Every unknown page, not only unknown applications, gets the translated 404."""
    return render(request, "errors/404.html", {}, status_code=404)


def conflict_page(request: AnyRequest, _exc: Exception) -> Template:
    """A write that lost a race (refused by a unique key, a lock wait that timed out):
    nothing was stored, which the person is told in their language."""
    return render(request, "errors/409.html", {}, status_code=409)


def server_error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A failure on a page: a translated page with the request's id, which the log lines of the
    failure carry too. The API keeps its JSON answer; development shows the traceback."""
    if request.app.debug:
        return create_debug_response(request, exc)
    if request.url.path.startswith(GRAPHQL_PATH):
        return create_exception_response(request, exc)
    return render(request, "errors/500.html", {}, status_code=500)
