"""The pages a person may open about one member, linked from that member's page, so nobody has
to type an address: proposals, the cost calculator, people and roles, API tokens, admissions
and the member's audit events, each only for whom the policy allows it."""

from __future__ import annotations

from urllib.parse import urlencode

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor, Role
from registry.members.models import Member


def member_links(actor: Actor, member: Member) -> list[tuple[str, str]]:
    """(what, address) pairs; the template names each `what` in the page's language."""
    code = member.code
    links: list[tuple[str, str]] = []
    if allows(actor, Permission.CATALOGUE_PROPOSE, member.id):
        links.append(("propose", f"/leden/{code}/voorstellen"))
    # The calculator is for those who decide; auditors read the figures elsewhere.
    if allows(actor, Permission.COSTS_ESTIMATE, member.id) and not actor.has_role(Role.AUDITOR):
        links.append(("estimate", f"/leden/{code}/kostenberekening"))
    if allows(actor, Permission.MEMBER_USERS_MANAGE, member.id):
        links.append(("people", f"/leden/{code}/rollen"))
    if allows(actor, Permission.TOKENS_MANAGE, member.id):
        links.append(("tokens", f"/leden/{code}/tokens"))
    if allows(actor, Permission.WEBHOOKS_MANAGE, member.id):
        links.append(("webhooks", f"/leden/{code}/webhooks"))
    if allows(actor, Permission.MEMBERS_MANAGE):
        links.append(("admissions", "/toelatingen"))
    if allows(actor, Permission.AUDIT_READ):
        links.append(("audit", f"/auditlog?{urlencode({'lid': code})}"))
    return links
