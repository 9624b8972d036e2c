"""Roles, API tokens and `me` through GraphQL, as a member admin and as a machine client."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.auth.roles import Role
from tests.helpers.graphql import (
    TEST_ISSUER,
    GraphQLClient,
    error_messages,
    grant,
    graphql_client,
)

CREATE = """
mutation($input: ApiTokenInput!) {
  apiTokenCreate(input: $input) {
    secret
    token { id name prefix permissions lastUsedAt revokedAt }
    errors { field code message }
  }
}"""
TOKENS = '{ member(code: "woerden") { apiTokens { id prefix lastUsedAt revokedAt } } }'
ME = "{ me { kind label roles { role member { code } } } }"


async def test_member_admin_creates_uses_and_revokes_a_token(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    admin_id = await grant(session_factory, Role.MEMBER_ADMIN, "woerden")
    async with graphql_client(db_url, user_id=admin_id) as admin:
        me = (await admin.data(ME))["me"]
        assert me["kind"] == "USER"
        assert me["roles"] == [{"role": "MEMBER_ADMIN", "member": {"code": "woerden"}}]

        created = (
            await admin.data(CREATE, {"input": {"member": "woerden", "name": "Zaaksysteem"}})
        )["apiTokenCreate"]
        assert created["errors"] == []
        secret = created["secret"]
        assert secret.startswith("crt_")
        assert created["token"]["prefix"] == secret[:10]
        assert created["token"]["permissions"] == ["usage:write"]

        listed = (await admin.data(TOKENS))["member"]["apiTokens"]
        assert [t["id"] for t in listed] == [created["token"]["id"]]
        assert "secret" not in str(listed)
        assert listed[0]["lastUsedAt"] is None

        async with graphql_client(db_url) as machine:
            machine.http.headers["Authorization"] = f"Bearer {secret}"
            assert (await machine.data(ME))["me"]["kind"] == "TOKEN"
            refused = await machine.execute(TOKENS)
            assert error_messages(refused) == ["not allowed: requires tokens:manage"]
        assert (await admin.data(TOKENS))["member"]["apiTokens"][0]["lastUsedAt"] is not None

        revoke = 'mutation($id: ID!) { apiTokenRevoke(member: "woerden", id: $id) '
        revoke += "{ token { revokedAt } errors { code } } }"
        revoked = await admin.data(revoke, {"id": created["token"]["id"]})
        assert revoked["apiTokenRevoke"]["token"]["revokedAt"] is not None
        again = await admin.data(revoke, {"id": created["token"]["id"]})
        assert again["apiTokenRevoke"]["errors"] == [{"code": "already_revoked"}]

    async with graphql_client(db_url) as machine:
        machine.http.headers["Authorization"] = f"Bearer {secret}"
        response = await machine.http.post("/graphql", json={"query": ME})
        assert response.status_code == 401
        assert "revoked" in response.text


async def test_token_input_errors_name_the_field(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    admin_id = await grant(session_factory, Role.MEMBER_ADMIN, "woerden")
    async with graphql_client(db_url, user_id=admin_id) as admin:
        body = await admin.data(
            CREATE,
            {"input": {"member": "woerden", "name": "", "permissions": ["everything"]}},
        )
    errors = body["apiTokenCreate"]["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("name", "required"),
        ("permissions[0]", "unknown_permission"),
    }
    assert body["apiTokenCreate"]["secret"] is None


async def test_roles_are_assigned_by_admins_and_listed(
    demo: AsyncSession,
    api: GraphQLClient,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    admin_id = await grant(session_factory, Role.ADMIN)
    assign = """mutation($input: RoleInput!) { roleAssign(input: $input) {
      ok errors { field code } } }"""
    person = {"issuer": "https://idp.example", "subject": "anna", "name": "Anna"}
    async with graphql_client(db_url, user_id=admin_id) as admin:
        ok = await admin.data(assign, {"input": {**person, "role": "auditor"}})
        assert ok["roleAssign"] == {"ok": True, "errors": []}
        wrong = await admin.data(
            assign, {"input": {**person, "role": "auditor", "member": "woerden"}}
        )
        assert wrong["roleAssign"]["errors"] == [{"field": "member", "code": "not_allowed"}]
        users = (await admin.data("{ users { subject roles { role } } }"))["users"]
        assert {"subject": "anna", "roles": [{"role": "AUDITOR"}]} in users
    # The directie may not hand out roles.
    refused = await api.execute(assign, {"input": {**person, "role": "directie"}})
    assert error_messages(refused) == ["not allowed: requires member-users:manage"]


async def test_cross_site_form_posts_cannot_use_the_session_cookie(api: GraphQLClient) -> None:
    """Browsers send forms as text/plain or form data without asking; only JSON is accepted,
    which a cross-site page cannot send without a CORS preflight that is never granted."""
    query = '{"query": "mutation { applicationCreate(slug: \\"csrf\\", input: {name: \\"X\\"})'
    query += ' { errors { code } } }"}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = await api.http.post(
            "/graphql", content=query, headers={"content-type": content_type}
        )
        assert response.status_code == 400
    assert (await api.data('{ application(slug: "csrf") { slug } }'))["application"] is None


async def test_a_member_s_tokens_are_visible_to_its_own_member_admin_only(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    query = '{ member(code: "woerden") { apiTokens { id } } }'
    people = {
        "woerden admin": await grant(session_factory, Role.MEMBER_ADMIN, "woerden"),
        "eindhoven admin": await grant(session_factory, Role.MEMBER_ADMIN, "eindhoven"),
        "woerden user": await grant(session_factory, Role.MEMBER_USER, "woerden"),
        "directie": await grant(session_factory, Role.DIRECTIE),
        "auditor": await grant(session_factory, Role.AUDITOR),
        "admin": await grant(session_factory, Role.ADMIN),
        "anonymous": None,
    }
    for who, user_id in people.items():
        async with graphql_client(db_url, user_id=user_id) as client:
            body = await client.execute(query)
        allowed = who == "woerden admin"
        assert (not error_messages(body)) == allowed, (who, body)


async def test_an_unknown_token_on_a_page_is_401_not_500(db_url: str) -> None:
    async with graphql_client(db_url) as client:
        for path in ("/mijn", "/leden/woerden", "/audit/export/csv", "/"):
            response = await client.http.get(
                path, headers={"Authorization": "Bearer crt_unknown"}, follow_redirects=False
            )
            assert response.status_code == 401, path


LOG_OUT = """mutation($issuer: String!, $subject: String!) {
  userSessionsRevoke(issuer: $issuer, subject: $subject) { revokedSessions errors { code } }
}"""


async def test_an_admin_logs_a_person_out_everywhere(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    admin_id = await grant(session_factory, Role.ADMIN)
    user_id = await grant(session_factory, Role.MEMBER_USER, "woerden")
    async with (
        graphql_client(db_url, user_id=admin_id) as admin,
        graphql_client(db_url, user_id=user_id) as laptop,
        graphql_client(db_url, user_id=user_id) as phone,
    ):
        for client in (laptop, phone):
            assert (await client.data(ME))["me"]["kind"] == "USER"
        person = {"issuer": TEST_ISSUER, "subject": "member_user-woerden"}
        result = (await admin.data(LOG_OUT, person))["userSessionsRevoke"]
        assert result == {"revokedSessions": 2, "errors": []}
        for client in (laptop, phone):
            assert (await client.data(ME))["me"]["kind"] == "ANONYMOUS"
        assert (await admin.data(ME))["me"]["kind"] == "USER"

        unknown = {"issuer": TEST_ISSUER, "subject": "nobody"}
        assert (await admin.data(LOG_OUT, unknown))["userSessionsRevoke"]["errors"] == [
            {"code": "not_found"}
        ]
    async with session_factory() as session:
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.entity_type == "user_sessions")
        )
    assert event is not None
    assert (event.entity_id, event.actor_user_id, event.operation) == (
        str(user_id),
        admin_id,
        "update",
    )


async def test_a_change_of_roles_ends_the_person_s_sessions(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    admin_id = await grant(session_factory, Role.ADMIN)
    user_id = await grant(session_factory, Role.MEMBER_USER, "woerden")
    role = {"issuer": TEST_ISSUER, "subject": "member_user-woerden", "member": "woerden"}
    assign = "mutation($input: RoleInput!) { roleAssign(input: $input) { ok errors { code } } }"
    revoke = "mutation($input: RoleInput!) { roleRevoke(input: $input) { ok errors { code } } }"
    async with graphql_client(db_url, user_id=admin_id) as admin:
        for mutation, name, given in (
            (assign, "roleAssign", "member_admin"),
            (revoke, "roleRevoke", "member_user"),
        ):
            async with graphql_client(db_url, user_id=user_id) as person:
                assert (await person.data(ME))["me"]["kind"] == "USER"
                changed = await admin.data(mutation, {"input": {**role, "role": given}})
                assert changed[name] == {"ok": True, "errors": []}
                assert (await person.data(ME))["me"]["kind"] == "ANONYMOUS", name
        # A refused change ends nothing.
        async with graphql_client(db_url, user_id=user_id) as person:
            again = await admin.data(assign, {"input": {**role, "role": "member_admin"}})
            assert again["roleAssign"]["errors"] == [{"code": "duplicate"}]
            assert (await person.data(ME))["me"]["kind"] == "USER"
