"""Logging in and out: OpenID Connect against the configured identity providers.

The authorization code flow with PKCE (S256), a random state and a nonce. The protocol
pieces (authorization URL, PKCE challenge, token request body) come from Authlib; the two
HTTP calls are plain httpx (Authlib's httpx integration warns at import time that it will
drop httpx), and the ID token is checked with joserfc: signature against the provider's
JWKS, issuer, audience, expiry, issued-at and the nonce kept in the session.

People are found or registered by issuer + subject (`auth.service.login`), never by e-mail.
Every failure on the way back from the provider ends on a translated 400 page.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import quote_plus, urlencode, urlsplit

from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749.parameters import (  # type: ignore[import-untyped]
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry
from litestar import Controller, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth import service, sessions
from registry.http import GRAPHQL_PATH
from registry.http.csrf import CSRF_FAILED
from registry.http.security import SESSION_ID_KEY, SESSION_NAME_KEY
from registry.settings import OidcProvider, Settings
from registry.web.access import NEXT_PARAM, audience
from registry.web.deps import AnyRequest, DbSession, settings_of
from registry.web.pages import render

DEFAULT_NEXT = "/mijn"
PENDING_KEY = "login"
PENDING_MAX_AGE = 15 * 60
"""Seconds a person may take at the identity provider before the attempt expires."""

SCOPE = "openid profile email"
HTTP_TIMEOUT = 10.0
METADATA_MAX_AGE = 60 * 60
JWKS_REFRESH_INTERVAL = 60
CLOCK_LEEWAY = 60
# Asymmetric signatures only: a symmetric key would be the client secret, which is not a key.
SIGNING_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)

logger = logging.getLogger(__name__)

FailureReason = Literal[
    "expired", "denied", "provider_error", "rejected", "id_token", "unreachable"
]

if TYPE_CHECKING:
    import httpx


class LoginFailed(Exception):
    """Why a login attempt ended; `reason` selects the translated text on the 400 page."""

    def __init__(self, reason: FailureReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class InvalidIdToken(Exception):
    """The ID token failed a check; the message says which (for the log, not the page)."""


# -- Next URL -------------------------------------------------------------------------------


def local_path(value: object, default: str = DEFAULT_NEXT) -> str:
    """`value` when it is a path on this site, else `default`: never an open redirect."""
    if not isinstance(value, str) or not value or len(value) > 1000:
        return default
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    if parts.path.startswith(("/inloggen", "/uitloggen")):
        return default
    return value


# -- ID token -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the identity provider vouches for."""

    issuer: str
    subject: str
    name: str
    email: str


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def validate_id_token(
    id_token: str,
    keys: KeySet,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    algorithms: Sequence[str] = SIGNING_ALGORITHMS,
    now: int | None = None,
) -> Identity:
    """Check signature, iss, aud (and azp), exp, iat and nonce; return the person's identity."""
    allowed = [a for a in algorithms if a in SIGNING_ALGORITHMS]
    try:
        token = jwt.decode(id_token, keys, algorithms=allowed)
    except InvalidKeyIdError:
        raise
    except (JoseError, ValueError) as error:
        raise InvalidIdToken(f"signature or format: {error}") from error
    claims = token.claims
    registry = JWTClaimsRegistry(
        now=now,
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise InvalidIdToken(f"claims: {error}") from error
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise InvalidIdToken("several audiences and azp is not this client")
    if "azp" in claims and claims["azp"] != client_id:
        raise InvalidIdToken("azp is not this client")
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(
        token_nonce.encode(), nonce.encode()
    ):
        raise InvalidIdToken("nonce does not match the one of this login attempt")
    name = _text(claims.get("name")) or " ".join(
        part for part in (_text(claims.get("given_name")), _text(claims.get("family_name"))) if part
    )
    email = _text(claims.get("email"))
    subject = str(claims["sub"])
    return Identity(
        issuer=issuer,
        subject=subject,
        name=name or _text(claims.get("preferred_username")) or email or subject,
        email=email,
    )


# -- Identity providers ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    signing_algorithms: tuple[str, ...]
    token_auth_methods: tuple[str, ...]

    @classmethod
    def parse(cls, data: object, expected_issuer: str) -> ProviderMetadata:
        if not isinstance(data, dict):
            raise ValueError("the provider metadata is not a JSON object")
        issuer = data.get("issuer")
        if not isinstance(issuer, str) or issuer.rstrip("/") != expected_issuer.rstrip("/"):
            raise ValueError(f"the provider metadata names issuer {issuer!r}")
        endpoints = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = data.get(name)
            if not isinstance(value, str) or urlsplit(value).scheme not in ("https", "http"):
                raise ValueError(f"the provider metadata has no usable {name}")
            endpoints[name] = value

        def strings(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
            value = data.get(name)
            if not isinstance(value, list):
                return default
            return tuple(v for v in value if isinstance(v, str))

        return cls(
            issuer=issuer,
            signing_algorithms=strings("id_token_signing_alg_values_supported", ("RS256",)),
            token_auth_methods=strings(
                "token_endpoint_auth_methods_supported", ("client_secret_basic",)
            ),
            **endpoints,
        )


@dataclass(slots=True)
class _Cached:
    metadata: ProviderMetadata | None = None
    metadata_at: float = 0.0
    keys: KeySet | None = None
    keys_at: float = 0.0


@dataclass(slots=True)
class OidcClients:
    """The configured identity providers, with their metadata and keys cached per provider."""

    settings: Settings
    _cache: dict[str, _Cached] = field(default_factory=dict)

    @property
    def providers(self) -> Sequence[OidcProvider]:
        return self.settings.oidc_providers

    def provider(self, key: str) -> OidcProvider | None:
        return next((p for p in self.providers if p.key == key), None)

    def redirect_uri(self, provider: OidcProvider) -> str:
        return self.settings.link(f"/inloggen/{provider.key}/terug")

    @staticmethod
    def http() -> httpx.AsyncClient:
        # Imported where used (here and in three more places): importing httpx imports its
        # command line too (click, rich, pygments), a fair part of the service's start-up.
        import httpx

        return httpx.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False)

    async def metadata(self, provider: OidcProvider) -> ProviderMetadata:
        cached = self._cache.setdefault(provider.key, _Cached())
        if cached.metadata is None or time.monotonic() - cached.metadata_at > METADATA_MAX_AGE:
            url = f"{provider.issuer.rstrip('/')}/.well-known/openid-configuration"
            async with self.http() as http:
                response = await http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            cached.metadata = ProviderMetadata.parse(response.json(), provider.issuer)
            cached.metadata_at = time.monotonic()
        return cached.metadata

    async def keys(self, provider: OidcProvider, *, refresh: bool = False) -> KeySet:
        cached = self._cache.setdefault(provider.key, _Cached())
        stale = time.monotonic() - cached.keys_at > METADATA_MAX_AGE
        recent = time.monotonic() - cached.keys_at < JWKS_REFRESH_INTERVAL
        if cached.keys is None or stale or (refresh and not recent):
            metadata = await self.metadata(provider)
            async with self.http() as http:
                response = await http.get(metadata.jwks_uri, headers={"Accept": "application/json"})
            response.raise_for_status()
            try:
                cached.keys = KeySet.import_key_set(response.json())
            except (KeyError, TypeError, ValueError, JoseError) as error:
                raise InvalidIdToken(f"the provider's key set is unusable: {error!r}") from error
            cached.keys_at = time.monotonic()
        return cached.keys

    async def authorization_url(
        self, provider: OidcProvider, *, state: str, nonce: str, code_verifier: str
    ) -> str:
        metadata = await self.metadata(provider)
        url: str = prepare_grant_uri(
            metadata.authorization_endpoint,
            client_id=provider.client_id,
            response_type="code",
            redirect_uri=self.redirect_uri(provider),
            scope=SCOPE,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
        )
        return url

    async def exchange_code(
        self, provider: OidcProvider, *, code: str, code_verifier: str
    ) -> dict[str, Any]:
        """The token response; an error answer of the provider raises Authlib's OAuthError."""
        metadata = await self.metadata(provider)
        body: str = prepare_token_request(
            "authorization_code",
            code=code,
            redirect_uri=self.redirect_uri(provider),
            code_verifier=code_verifier,
        )
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        import httpx

        secret = provider.client_secret.get_secret_value()
        auth: httpx.BasicAuth | httpx._client.UseClientDefault = httpx.USE_CLIENT_DEFAULT
        if "client_secret_basic" in metadata.token_auth_methods:
            # RFC 6749 2.3.1: id and secret are form-encoded before they are joined.
            auth = httpx.BasicAuth(quote_plus(provider.client_id), quote_plus(secret))
        else:
            body += "&" + urlencode({"client_id": provider.client_id, "client_secret": secret})
        async with self.http() as http:
            response = await http.post(
                metadata.token_endpoint, content=body, headers=headers, auth=auth
            )
        try:
            token = response.json()
        except ValueError:
            token = None
        if not isinstance(token, dict):
            raise OAuthError(
                error="invalid_response",
                description=f"the token endpoint answered HTTP {response.status_code}",
            )
        if "error" in token or response.status_code != 200:
            raise OAuthError(
                error=str(token.get("error") or "invalid_response"),
                description=str(token.get("error_description") or ""),
            )
        return token

    async def identity(self, provider: OidcProvider, id_token: str, nonce: str) -> Identity:
        metadata = await self.metadata(provider)
        algorithms = [a for a in metadata.signing_algorithms if a in SIGNING_ALGORITHMS]

        def check(keys: KeySet) -> Identity:
            return validate_id_token(
                id_token,
                keys,
                issuer=metadata.issuer,
                client_id=provider.client_id,
                nonce=nonce,
                algorithms=algorithms or ["RS256"],
            )

        try:
            return check(await self.keys(provider))
        except InvalidKeyIdError:
            # The provider may have rotated its keys since we fetched them.
            try:
                return check(await self.keys(provider, refresh=True))
            except InvalidKeyIdError as error:
                raise InvalidIdToken("signed with a key the provider does not publish") from error


def oidc_clients(request: AnyRequest) -> OidcClients:
    clients = request.app.state.get("oidc")
    if not isinstance(clients, OidcClients):
        clients = OidcClients(settings_of(request))
        request.app.state["oidc"] = clients
    return clients


# -- Sessions -------------------------------------------------------------------------------


async def start_session(
    request: AnyRequest, db_session: AsyncSession, user_id: int, name: str
) -> None:
    """A new session for the person: nothing from before the login carries over (fixation).

    The session is stored on the server with its absolute end; the cookie carries its id.
    """
    settings = settings_of(request)
    lifetime = timedelta(hours=settings.session_lifetime_hours)
    session_id = await sessions.open_session(db_session, user_id, lifetime)
    request.clear_session()
    request.set_session({SESSION_ID_KEY: session_id, SESSION_NAME_KEY: name})


# -- Development login ----------------------------------------------------------------------

DEV_LOGIN = "dev_login"
"""App state: the `DevLogin`, only when the application composes the development login."""


class DevPerson(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...


@dataclass(frozen=True, slots=True)
class DevLogin:
    """Whom the development login offers, each with the name of their member (or ""), and
    the issuer they sign in at. Built by `registry.web.dev_login` from the demo people."""

    issuer: str
    people: Sequence[tuple[DevPerson, str]]

    def person(self, key: object) -> DevPerson | None:
        return next((p for p, _ in self.people if p.key == key), None)


def dev_login_enabled(settings: Settings) -> bool:
    return settings.dev_mode and settings.dev_login


def dev_login_of(request: AnyRequest) -> DevLogin | None:
    """The development login when it is on and composed, else None."""
    dev = request.app.state.get(DEV_LOGIN)
    if not isinstance(dev, DevLogin) or not dev_login_enabled(settings_of(request)):
        return None
    return dev


def _failure(request: AnyRequest, reason: FailureReason, detail: str = "") -> Template:
    """The 400 page; the provider's error code is shown, other details only go to the log."""
    shown = reason in ("denied", "provider_error", "rejected") and detail.replace("_", "").isalnum()
    return render(
        request,
        "errors/400.html",
        {"reason": reason, "detail": detail if shown else ""},
        status_code=400,
    )


# -- Refusals -------------------------------------------------------------------------------


def forbidden_page(request: AnyRequest, exc: PermissionDeniedException) -> Response[Any]:
    """The translated 403 page; a refused form (CSRF) says to reload and try again."""
    if request.url.path.startswith(GRAPHQL_PATH):
        return Response({"status_code": 403, "detail": exc.detail}, status_code=403)
    return render(
        request, "errors/403.html", {"csrf_failed": exc.detail == CSRF_FAILED}, status_code=403
    )


# -- Pages ----------------------------------------------------------------------------------


class LoginController(Controller):
    path = "/"
    include_in_schema = False

    @get("/inloggen", name="login", opt=audience())
    async def choose(self, request: AnyRequest) -> Template:
        settings = settings_of(request)
        dev = dev_login_of(request)
        return render(
            request,
            "auth/login.html",
            {
                "providers": settings.oidc_providers,
                "next_url": local_path(request.query_params.get(NEXT_PARAM)),
                "next_param": NEXT_PARAM,
                "dev_login": dev is not None,
                "dev_people": dev.people if dev is not None else (),
            },
        )

    @get("/inloggen/{provider_key:str}", name="login-start", opt=audience())
    async def start(self, request: AnyRequest, provider_key: FromPath[str]) -> Response[Any]:
        clients = oidc_clients(request)
        provider = clients.provider(provider_key)
        if provider is None:
            raise NotFoundException(f"no identity provider '{provider_key}'")
        import httpx

        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        try:
            url = await clients.authorization_url(
                provider, state=state, nonce=nonce, code_verifier=verifier
            )
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("login with %s: provider unreachable: %s", provider.key, error)
            return _failure(request, "unreachable")
        request.session[PENDING_KEY] = {
            "provider": provider.key,
            "state": state,
            "nonce": nonce,
            "verifier": verifier,
            "next": local_path(request.query_params.get(NEXT_PARAM)),
            "started": int(time.time()),
        }
        return Redirect(url, status_code=303)

    @get("/inloggen/{provider_key:str}/terug", name="login-callback", opt=audience())
    async def callback(
        self, request: AnyRequest, db_session: DbSession, provider_key: FromPath[str]
    ) -> Response[Any]:
        clients = oidc_clients(request)
        provider = clients.provider(provider_key)
        if provider is None:
            raise NotFoundException(f"no identity provider '{provider_key}'")
        # Taken out of the session before anything else: every callback uses it up.
        pending = request.session.pop(PENDING_KEY, None)
        try:
            identity, next_url = await self._complete(request, clients, provider, pending)
        except LoginFailed as failure:
            logger.warning("login with %s failed: %s", provider.key, failure)
            return _failure(request, failure.reason, failure.detail)
        user = await service.login(
            db_session,
            issuer=identity.issuer,
            subject=identity.subject,
            name=identity.name,
            email=identity.email,
        )
        await start_session(request, db_session, user.id, user.name or identity.name)
        return Redirect(next_url, status_code=303)

    @staticmethod
    async def _complete(
        request: AnyRequest, clients: OidcClients, provider: OidcProvider, pending: object
    ) -> tuple[Identity, str]:
        import httpx

        params = request.query_params
        error = params.get("error")
        if error:
            # An error answer grants nothing, so it is reported even without a valid state
            # (some providers leave the state out of it); the attempt is used up all the same.
            reason: FailureReason = "denied" if error == "access_denied" else "provider_error"
            raise LoginFailed(reason, str(error)[:40])
        state = params.get("state")
        if (
            not isinstance(pending, Mapping)
            or pending.get("provider") != provider.key
            or not isinstance(state, str)
            or not hmac.compare_digest(state.encode(), str(pending.get("state", "")).encode())
        ):
            raise LoginFailed("expired", "no login attempt with this state")
        started = pending.get("started")
        if not isinstance(started, int) or time.time() - started > PENDING_MAX_AGE:
            raise LoginFailed("expired", "the login attempt is too old")
        code = params.get("code")
        if not code:
            raise LoginFailed("provider_error", "no code")
        try:
            metadata = await clients.metadata(provider)
            returned_issuer = params.get("iss")
            if returned_issuer is not None and returned_issuer != metadata.issuer:
                # RFC 9207: the answer comes from another provider than the one asked.
                raise LoginFailed("provider_error", "issuer_mismatch")
            token = await clients.exchange_code(
                provider, code=str(code), code_verifier=str(pending.get("verifier", ""))
            )
            id_token = token.get("id_token")
            if not isinstance(id_token, str):
                raise LoginFailed("id_token", "the token response has no ID token")
            identity = await clients.identity(provider, id_token, str(pending.get("nonce", "")))
        except OAuthError as error:
            raise LoginFailed("rejected", str(getattr(error, "error", ""))) from error
        except (InvalidIdToken, JoseError) as error:
            raise LoginFailed("id_token", str(error)) from error
        except (httpx.HTTPError, ValueError) as error:
            raise LoginFailed("unreachable", type(error).__name__) from error
        return identity, local_path(pending.get("next"))

    @post("/inloggen/ontwikkeling", name="dev-login", status_code=303, opt=audience())
    async def dev_login(self, request: AnyRequest, db_session: DbSession) -> Redirect:
        dev = dev_login_of(request)
        if dev is None:
            raise NotFoundException("the development login is off")
        form = await request.form()
        person = dev.person(form.get("persoon"))
        if person is None:
            raise NotFoundException("no such demo person")
        user = await service.login(
            db_session, issuer=dev.issuer, subject=person.key, name=person.name, email=""
        )
        await start_session(request, db_session, user.id, user.name or person.name)
        return Redirect(local_path(form.get(NEXT_PARAM)), status_code=303)

    @post("/uitloggen", name="logout", status_code=303, opt=audience())
    async def logout(self, request: AnyRequest, db_session: DbSession) -> Redirect:
        session_id = request.session.get(SESSION_ID_KEY)
        if isinstance(session_id, str):
            await sessions.close_session(db_session, session_id)
        request.clear_session()
        return Redirect("/", status_code=303)
