"""The development login's people: sign in as one of the demo people, without an identity
provider.

The application composes this module only when REGISTRY_DEV_LOGIN is on (which only starts
in development mode, see `registry.http.security.check_settings`); production code never
imports it, nor the demo people it offers. Without it, `/inloggen/ontwikkeling` answers 404.
"""

from __future__ import annotations

from registry.demo import DEMO_PEOPLE, DEV_LOGIN_ISSUER, MEMBERS
from registry.web.login import DevLogin


def dev_login() -> DevLogin:
    """The demo people with the name of their member, as the login page lists them."""
    member_names = {m.code: m.name for m in MEMBERS}
    return DevLogin(
        issuer=DEV_LOGIN_ISSUER,
        people=[(p, member_names.get(p.member or "", "")) for p in DEMO_PEOPLE],
    )
