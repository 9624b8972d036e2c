"""Browser security headers on every response: a Content-Security-Policy and its companions.

One `before_send` hook sets them, so no page, file, error or API answer goes without. Pages
(GraphiQL in development mode too) load scripts, styles and fonts only from this site (no
inline scripts, styles or event handlers);
the payment page also loads Stripe.js from where the settings say it lives (`stripe_js_url`)
and talks to the Stripe API it names (`stripe_api_base`). Handlers opt into that policy
with `opt={CSP_OPT: PAYMENT_POLICY}`.

A response may allow `<style>` elements that carry a nonce of its own: the handler puts a
fresh one in `request.state` under `STYLE_NONCE` (see `new_style_nonce`). Only GraphiQL in
development mode does: its dialogs add a `<style>` element while open. Scripts never get one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Mapping
from typing import Any
from urllib.parse import urlsplit

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from registry.billing.stripe_gateway import DEFAULT_API_BASE, DEFAULT_JS_URL
from registry.settings import Settings

CSP_OPT = "content_security_policy"
PAYMENT_POLICY = "payment"
STYLE_NONCE = "csp_style_nonce"

Policy = Mapping[str, tuple[str, ...]]

BASE_POLICY: Policy = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    # The NL Design System stylesheets draw a few icons as data: SVGs.
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}

STATIC_HEADERS = {
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _merge(policy: Policy, extra: Mapping[str, tuple[str, ...]]) -> Policy:
    merged = dict(policy)
    for directive, sources in extra.items():
        merged[directive] = tuple(dict.fromkeys((*merged.get(directive, ()), *sources)))
    return merged


def render_policy(policy: Policy) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


def payment_policy(settings: Settings) -> Policy:
    """The base policy plus exactly the Stripe.js and Stripe API origins that are configured."""
    js = _origin(settings.stripe_js_url or DEFAULT_JS_URL)
    api = _origin(settings.stripe_api_base or DEFAULT_API_BASE)
    frames = (js, "https://hooks.stripe.com") if js == _origin(DEFAULT_JS_URL) else (js,)
    return _merge(
        BASE_POLICY,
        {"script-src": (js,), "connect-src": (api, js), "frame-src": ("'self'", *frames)},
    )


def new_style_nonce(state: dict[str, Any]) -> str:
    """A fresh nonce that this response's policy allows `<style>` elements to carry."""
    nonce = secrets.token_urlsafe(18)
    state[STYLE_NONCE] = nonce
    return nonce


def with_style_nonce(policy: Policy, nonce: str) -> Policy:
    return _merge(policy, {"style-src": (f"'nonce-{nonce}'",)})


def security_headers(
    settings: Settings,
) -> Callable[[Message, Scope], Coroutine[Any, Any, None]]:
    """The `before_send` hook that puts the headers on every response."""
    policies = {None: BASE_POLICY, PAYMENT_POLICY: payment_policy(settings)}
    rendered = {name: render_policy(policy) for name, policy in policies.items()}

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        handler = scope.get("route_handler")
        chosen = handler.opt.get(CSP_OPT) if handler is not None else None
        if chosen not in policies:
            chosen = None
        nonce = (scope.get("state") or {}).get(STYLE_NONCE)
        if isinstance(nonce, str):
            policy = render_policy(with_style_nonce(policies[chosen], nonce))
        else:
            policy = rendered[chosen]
        headers["content-security-policy"] = policy
        for name, value in STATIC_HEADERS.items():
            headers[name] = value

    return before_send
