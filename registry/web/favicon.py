"""The site icon: an SVG among the static files; browsers that ask for /favicon.ico by
habit are sent there, so no page visit logs a 404."""

from __future__ import annotations

from litestar import get
from litestar.response import Redirect
from litestar.status_codes import HTTP_301_MOVED_PERMANENTLY

from registry.web.access import audience

FAVICON = "/static/favicon.svg"


@get("/favicon.ico", opt=audience(), include_in_schema=False, sync_to_thread=False)
def favicon() -> Redirect:
    return Redirect(FAVICON, status_code=HTTP_301_MOVED_PERMANENTLY)
