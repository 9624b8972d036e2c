"""Governance through the GraphQL API: a meeting from agenda to decision, the same vote
sent twice, the settings' proxy limit, and what a member admin reads of the ALV."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from tests.helpers.graphql import grant, graphql_client

MEETING = """mutation($title: String!) {
  meetingCreate(input: {body: ALV, heldOn: "2026-06-11", title: $title}) {
    meeting { id form } errors { code }
  }
}"""
ITEM = """mutation($meeting: ID!) {
  agendaItemAdd(meetingId: $meeting, input: {title: "Begroting 2027", kind: BUDGET}) {
    id errors { code }
  }
}"""
PRESENT = """mutation($meeting: ID!, $member: String!) {
  attendanceRecord(meetingId: $meeting, member: $member) { ok errors { code } }
}"""
PROXY = """mutation($meeting: ID!, $grantor: String!, $holder: String!) {
  proxyRecord(meetingId: $meeting, grantor: $grantor, holder: $holder,
              documentReference: "Volmacht") { ok errors { code message } }
}"""
VOTE = """mutation($item: ID!, $member: String!, $choice: VoteChoice!) {
  voteCast(itemId: $item, input: {member: $member, choice: $choice}) { choice errors { code } }
}"""
CLOSE = """mutation($item: ID!) {
  proposalClose(itemId: $item, reference: "ALV-2026-06-API") {
    adopted majority votesFor votesAgainst abstentions decision { reference body decidedOn }
    errors { code }
  }
}"""
DETAIL = """query($id: ID!) {
  meeting(id: $id) {
    entitledVoters quorate present proxies { grantor holder }
    items { title closed adopted votes { voter choice } decision { reference } }
  }
}"""


async def test_a_meeting_from_agenda_to_decision(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await demo.commit()
    directie = await grant(session_factory, Role.DIRECTIE)
    async with graphql_client(db_url, dev_mode=False, user_id=directie) as client:
        meeting = (await client.data(MEETING, {"title": "ALV juni"}))["meetingCreate"]["meeting"]
        item = (await client.data(ITEM, {"meeting": meeting["id"]}))["agendaItemAdd"]["id"]
        for code in ("eindhoven", "woerden", "tilburg"):
            answer = await client.data(PRESENT, {"meeting": meeting["id"], "member": code})
            assert answer["attendanceRecord"] == {"ok": True, "errors": []}
        proxy = {"meeting": meeting["id"], "grantor": "groningen", "holder": "woerden"}
        assert (await client.data(PROXY, proxy))["proxyRecord"]["ok"]
        second = await client.data(PROXY, {**proxy, "grantor": "zaanstad"})
        assert second["proxyRecord"]["errors"][0]["code"] == "proxy_limit"
        for code, choice in [
            ("eindhoven", "FOR"),
            ("woerden", "FOR"),
            ("woerden", "FOR"),  # sent twice: recorded once
            ("groningen", "AGAINST"),
            ("tilburg", "ABSTAIN"),
        ]:
            voted = await client.data(VOTE, {"item": item, "member": code, "choice": choice})
            assert voted["voteCast"] == {"choice": choice, "errors": []}
        absent = await client.data(VOTE, {"item": item, "member": "zwolle", "choice": "FOR"})
        assert absent["voteCast"]["errors"] == [{"code": "not_entitled"}]
        closed = (await client.data(CLOSE, {"item": item}))["proposalClose"]
        assert closed == {
            "adopted": True,
            "majority": "SIMPLE",
            "votesFor": 2,
            "votesAgainst": 1,
            "abstentions": 1,
            "decision": {"reference": "ALV-2026-06-API", "body": "ALV", "decidedOn": "2026-06-11"},
            "errors": [],
        }
        detail = (await client.data(DETAIL, {"id": meeting["id"]}))["meeting"]
        assert detail["entitledVoters"] == 4
        assert detail["quorate"]
        assert detail["present"] == ["eindhoven", "woerden", "tilburg"]
        assert detail["proxies"] == [{"grantor": "groningen", "holder": "woerden"}]
        assert len(detail["items"][0]["votes"]) == 4
        origin = await client.data(
            '{ decisionOrigin(reference: "ALV-2026-06-API") { origin votesFor } }'
        )
        assert origin["decisionOrigin"] == {"origin": "MEETING", "votesFor": 2}
        recorded = await client.data('{ decisionOrigin(reference: "ALV-2025-12") { origin } }')
        assert recorded["decisionOrigin"] == {"origin": "RECORDED"}


async def test_the_proxy_limit_is_a_setting(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await demo.commit()
    directie = await grant(session_factory, Role.DIRECTIE)
    async with graphql_client(
        db_url, dev_mode=False, user_id=directie, governance_proxies_per_holder=2
    ) as client:
        meeting = (await client.data(MEETING, {"title": "ALV"}))["meetingCreate"]["meeting"]
        await client.data(PRESENT, {"meeting": meeting["id"], "member": "woerden"})
        for grantor in ("groningen", "zaanstad"):
            proxy = {"meeting": meeting["id"], "grantor": grantor, "holder": "woerden"}
            assert (await client.data(PROXY, proxy))["proxyRecord"] == {"ok": True, "errors": []}


async def test_a_member_admin_reads_the_alv_and_nothing_else(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await demo.commit()
    admin = await grant(session_factory, Role.MEMBER_ADMIN, "woerden")
    async with graphql_client(db_url, dev_mode=False, user_id=admin) as client:
        alv = (
            await client.data(
                '{ alvMeetings(member: "woerden") { meeting { title } items { title adopted'
                " votesFor votesAgainst abstentions decision { reference } } } }"
            )
        )["alvMeetings"]
        assert alv == [
            {
                "meeting": {"title": "ALV voorjaar 2026"},
                "items": [
                    {
                        "title": "Contributie 2027: EUR 0,36 per inwoner",
                        "adopted": True,
                        "votesFor": 5,
                        "votesAgainst": 1,
                        "abstentions": 1,
                        "decision": {"reference": "ALV-2026-03-1"},
                    },
                    {
                        "title": "Jaarrekening 2025",
                        "adopted": True,
                        "votesFor": 7,
                        "votesAgainst": 0,
                        "abstentions": 0,
                        "decision": {"reference": "ALV-2026-03-2"},
                    },
                ],
            }
        ]
        refused = await client.execute("{ bodyMembers { name } }")
        assert refused["errors"][0]["message"].startswith("not allowed")
