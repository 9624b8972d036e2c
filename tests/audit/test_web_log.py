"""The audit log page: auditors (and registry admins) filter events by entity, person, member
and period, a page at a time, see the chain's status and export what they found; others are
refused. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.export import ExportFormat, write_events
from registry.audit.labels import ENTITY
from registry.audit.repository import AuditFilter
from registry.audit.service import stream_events
from registry.auth.roles import Role
from registry.models import Base
from registry.usage import history as usage_history
from tests.audit.conftest import add_member, seed, tamper
from tests.helpers.graphql import grant, graphql_client


def seqs(html: str) -> list[int]:
    """The numbers of the events listed, in the order shown."""
    return [int(n) for n in re.findall(r'<th class="[^"]*" scope="row">(\d+)</th>', html)]


async def test_an_auditor_filters_pages_and_exports_what_was_found(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    member_id = await add_member(session_factory)
    await seed(session_factory, 5, member_id=member_id)
    auditor = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, user_id=auditor) as client:
        everything = await client.http.get("/auditlog")
        assert everything.status_code == 200
        assert seqs(everything.text) == [5, 4, 3, 2, 1]
        assert "De keten is gecontroleerd en intact: 5 gebeurtenissen." in everything.text
        assert 'href="/audit/export/csv"' in everything.text

        async def shown(query: str) -> list[int]:
            response = await client.http.get(f"/auditlog?{query}")
            assert response.status_code == 200, response.text
            return seqs(response.text)

        assert await shown("lid=woerden") == [4, 2]
        assert await shown("soort=application&entiteit=2") == [3]
        # The kind of record is named, not shown as stored; the filter offers kinds by name.
        named = (await client.http.get("/auditlog?soort=application&entiteit=2")).text
        assert re.search(r"<td[^>]*>Applicatie 2</td>", named)
        assert re.search(
            r'<option value="application"[^>]*selected[^>]*>Applicatie</option>', named
        )
        english = (await client.http.get("/auditlog?soort=application&entiteit=2&lang=en")).text
        assert re.search(r"<td[^>]*>Application 2</td>", english)
        await client.http.get("/auditlog?lang=nl")  # the choice sticks: back to Dutch
        assert await shown("persoon=TEST-3") == [4]
        # whole days in the Netherlands: 2 March 09:00 UTC up to and including 3 March
        assert await shown("van=2026-03-02&tot=2026-03-03") == [3, 2]

        first = await client.http.get("/auditlog?soort=application&per_pagina=2")
        assert seqs(first.text) == [5, 3]
        assert "3 gebeurtenissen gevonden, nieuwste eerst" in first.text
        following = re.search(r'href="([^"]+)" rel="next"', first.text)
        assert following is not None
        second = await client.http.get(following.group(1).replace("&amp;", "&"))
        assert seqs(second.text) == [1]
        assert 'rel="next"' not in second.text

        # The export links carry the filters, and the export honours them.
        link = re.search(r'href="(/audit/export/jsonl\?[^"]+)"', first.text)
        assert link is not None
        assert link.group(1).replace("&amp;", "&") == "/audit/export/jsonl?soort=application"
        exported = await client.http.get(link.group(1).replace("&amp;", "&"))
        expected = io.StringIO()
        async with session_factory() as session:
            count = await write_events(
                stream_events(session, AuditFilter(entity_type="application")),
                expected,
                ExportFormat.JSONL,
            )
        assert count == 3
        assert exported.text == expected.getvalue()

        english = await client.http.get("/auditlog?lang=en&lid=woerden")
        assert "The chain was checked and is intact: 5 events." in english.text
        assert "2 events found, newest first" in english.text


async def test_unreadable_filters_are_refused_next_to_their_field(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(session_factory, 2)
    auditor = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, user_id=auditor) as client:
        refused = await client.http.get(
            "/auditlog?van=2026-13-01&lid=atlantis&per_pagina=500&persoon=cli"
        )
        assert refused.status_code == 422
        text = html.unescape(refused.text)
        assert 'id="filter-van-fout"' in text
        assert "'2026-13-01' is geen datum" in text
        assert "Er is geen lid met de code 'atlantis'." in text
        assert "Kies tussen 1 en 100 gebeurtenissen per pagina." in text
        assert 'value="cli"' in text  # what was typed stays
        assert seqs(text) == []
        reversed_period = await client.http.get("/auditlog?van=2026-03-05&tot=2026-03-01")
        assert reversed_period.status_code == 422
        assert "De einddatum ligt vóór de begindatum." in html.unescape(reversed_period.text)
        bad_export = await client.http.get("/audit/export/csv?van=gisteren")
        assert bad_export.status_code == 400
        assert "seq,id" not in bad_export.text


async def test_a_broken_chain_is_named_at_its_first_broken_event(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(session_factory, 4)
    admin = await grant(session_factory, Role.ADMIN)
    await tamper(session_factory, "UPDATE audit_event SET actor_label = 'iemand' WHERE seq = 3")
    async with graphql_client(db_url, user_id=admin) as client:
        page = await client.http.get("/auditlog")
    assert page.status_code == 200
    assert (
        "De keten is verbroken bij gebeurtenis 3: de inhoud is gewijzigd nadat die werd"
        " vastgelegd. De 2 gebeurtenissen ervoor zijn intact." in page.text
    )
    assert 'href="/auditlog" aria-current="page"' in re.sub(r"\s+", " ", page.text)


@pytest.mark.parametrize(
    ("role", "member"), [(Role.DIRECTIE, None), (Role.MEMBER_ADMIN, "woerden")]
)
async def test_others_may_not_open_the_audit_log(
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    role: Role,
    member: str | None,
) -> None:
    await add_member(session_factory)
    await seed(session_factory, 1)
    person = await grant(session_factory, role, member)
    async with graphql_client(db_url, user_id=person) as client:
        refused = await client.http.get("/auditlog")
        assert refused.status_code == 403
        assert "cli:test-0" not in refused.text
        assert 'href="/auditlog"' not in (await client.http.get("/")).text
    async with graphql_client(db_url) as anonymous:
        redirected = await anonymous.http.get("/auditlog", follow_redirects=False)
        assert redirected.status_code == 303
        assert redirected.headers["location"] == "/inloggen?volgende=%2Fauditlog"


def test_every_kind_of_record_has_a_name_in_both_languages() -> None:
    """Every table's rows (and the usage change sets) can appear in the log: each is named."""
    kinds = set(Base.metadata.tables) | {usage_history.ENTITY_TYPE}
    assert kinds - set(ENTITY) == set()
    assert all(name.nl and name.en for name in ENTITY.values())
