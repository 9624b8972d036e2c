"""The governance commands, run as a user would against the demo cooperative: people,
meetings with their agenda, attendance, proxies and votes, closing a proposal into a
decision, conflicts of interest, contracts, budgets and the list of approval requests.

Every command stores what it says and audits it; a refusal exits 1 naming the field and the
rule, and stores nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.approvals import service as approvals
from registry.approvals.rules import ApprovalKind, ApprovalStatus, CloseYear
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.budget.models import Budget, BudgetLine, BudgetStatus
from registry.contracts.models import Contract, ContractStatus
from registry.governance.models import (
    AgendaItem,
    Attendance,
    BodyPerson,
    Conflict,
    Meeting,
    Proxy,
    Vote,
)
from registry.kit.labels import label as label_of
from registry.members.decisions import DecisionInput, record_decision
from registry.members.models import Decision, DecisionBody
from registry.settings import Settings
from tests.approvals.four_eyes import ANNE, BART
from tests.conftest import DemoTemplate
from tests.helpers.cli import invoke, refusal


@pytest.fixture
async def demo(
    cli_db: str,
    session: AsyncSession,
    demo_template: DemoTemplate,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncSession:
    """The demo cooperative (without invoices), stored, for the command to read; tables are
    printed wide enough not to wrap a cell."""
    monkeypatch.setenv("COLUMNS", "200")
    await demo_template.copy_into(session, invoices=False)
    await session.commit()
    return session


async def _count(factory: async_sessionmaker[AsyncSession], model: type[Any], *where: Any) -> int:
    async with factory() as session:
        found = await session.scalar(select(func.count()).select_from(model).where(*where))
        return int(found or 0)


async def _audited(factory: async_sessionmaker[AsyncSession], label: str) -> list[str]:
    """The `entity_type operation` of every audit event the command `label` wrote."""
    async with factory() as session:
        rows = await session.execute(
            select(AuditEvent.entity_type, AuditEvent.operation)
            .where(AuditEvent.actor_label == label)
            .order_by(AuditEvent.seq)
        )
        return [f"{entity} {operation}" for entity, operation in rows]


async def _newest(factory: async_sessionmaker[AsyncSession], model: type[Any]) -> Any:
    async with factory() as session:
        return await session.scalar(select(model).order_by(model.id.desc()).limit(1))


def _said(output: str) -> str:
    """The output on one line, without the lines of the tables' boxes."""
    return " ".join(re.sub("[\u2500-\u257f]", " ", output).split())


async def _ok(*args: str) -> str:
    result = await invoke(*args)
    assert result.exit_code == 0, result.output
    return _said(result.output)


PRESENT = ("eindhoven", "woerden", "gr-boxtel-sint-michielsgestel", "tilburg", "zwolle", "zaanstad")


@pytest.mark.usefixtures("demo")
async def test_a_whole_alv_from_the_command_line(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    said = await _ok(
        "governance", "person", "add", "--body", "alv", "--name", "Tom Tilburg",
        "--role", "representative", "--start", "2026-01-01", "--member", "tilburg",
    )  # fmt: skip
    assert "Stored person" in said
    assert "Tom Tilburg, member's representative of the general meeting" in said
    tom = await _newest(session_factory, BodyPerson)
    assert (tom.name, tom.body, tom.ends_on) == ("Tom Tilburg", DecisionBody.ALV, None)

    said = await _ok(
        "governance", "meeting", "add", "--body", "alv", "--date", "2026-11-19",
        "--title", "ALV najaar 2026",
    )  # fmt: skip
    meeting = await _newest(session_factory, Meeting)
    assert (
        f"Stored meeting {meeting.id}: general meeting ALV najaar 2026 on 19 November 2026" in said
    )
    members = [arg for code in PRESENT for arg in ("--member", code)]
    said = await _ok("governance", "attendance", str(meeting.id), *members)
    assert f"Stored the attendance of 6 at meeting {meeting.id}" in said
    assert await _count(session_factory, Attendance, Attendance.meeting_id == meeting.id) == 6
    said = await _ok(
        "governance", "proxy", "add", str(meeting.id), "--from", "groningen", "--to", "zaanstad",
        "--document", "Volmacht Groningen 2026-11-15",
    )  # fmt: skip
    assert "Stored the proxy of groningen to zaanstad" in said
    proxy = await _newest(session_factory, Proxy)
    assert (proxy.meeting_id, proxy.document_reference) == (
        meeting.id,
        "Volmacht Groningen 2026-11-15",
    )
    said = await _ok(
        "governance", "agenda", "add", str(meeting.id), "--title", "Begroting 2027",
        "--kind", "budget",
    )  # fmt: skip
    item = await _newest(session_factory, AgendaItem)
    assert f"Stored agenda proposal (budget) {item.id} as point 1" in said
    choices = dict.fromkeys(PRESENT, "for") | {"tilburg": "against", "zwolle": "abstain"}
    choices["groningen"] = "for"  # represented by Zaanstad
    for code, choice in choices.items():
        cast_by = ["--cast-by", str(tom.id)] if code == "tilburg" else []
        said = await _ok(
            "governance", "vote", str(item.id), "--member", code, "--choice", choice, *cast_by
        )
        assert f"Stored the vote of {code} on proposal {item.id}: {choice}" in said
    assert await _count(session_factory, Vote, Vote.agenda_item_id == item.id) == 7

    said = await _ok(
        "governance", "proposal", "close", str(item.id), "--reference", "ALV-2026-11-1"
    )
    assert (
        f"Proposal {item.id} closed (simple majority): 5 for, 1 against, 1 abstain: "
        "adopted as decision ALV-2026-11-1."
    ) in said
    async with session_factory() as session:
        decision = await session.scalar(
            select(Decision).where(Decision.reference == "ALV-2026-11-1")
        )
        closed = await session.get(AgendaItem, item.id)
    assert decision is not None
    assert (decision.body, decision.decided_on, decision.subject) == (
        DecisionBody.ALV,
        date(2026, 11, 19),
        "Begroting 2027",
    )
    assert closed is not None
    assert (closed.adopted, closed.decision_id, closed.votes_for) == (True, decision.id, 5)
    assert await _audited(session_factory, "cli:governance-proposal-close") == [
        "decision create",
        "agenda_item update",
    ]
    assert await _audited(session_factory, "cli:governance-vote") == ["vote create"] * 7
    assert await _audited(session_factory, "cli:governance-attendance") == ["attendance create"] * 6
    for label, audited in [
        ("person-add", "body_person create"),
        ("meeting-add", "meeting create"),
        ("proxy-add", "proxy create"),
        ("agenda-add", "agenda_item create"),
    ]:
        assert await _audited(session_factory, f"cli:governance-{label}") == [audited]

    shown = await _ok("governance", "meetings", "--body", "alv")
    assert shown.startswith(
        "2026-11-19 general meeting ALV najaar 2026 (meeting; 7 of 8 entitled; quorum met) "
        "1. Begroting 2027: adopted as ALV-2026-11-1: 5 for, 1 against, 1 abstain"
    )
    # Closed once: closing it again is refused and records no second decision.
    again = refusal(
        await invoke("governance", "proposal", "close", str(item.id), "--reference", "ALV-X")
    )
    assert "item:" in again
    assert "proposal_closed" in again
    assert await _count(session_factory, Decision, Decision.reference == "ALV-X") == 0


@pytest.mark.usefixtures("demo")
async def test_people_join_leave_and_a_seventh_rvc_seat_is_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    for name in ("Ruud Raad", "Rita Raad", "Rob Raad"):
        await _ok(
            "governance", "person", "add", "--body", "rvc", "--name", name, "--role", "member",
            "--start", "2026-06-01",
        )  # fmt: skip
    rob = await _newest(session_factory, BodyPerson)
    assert (rob.name, rob.ends_on) == ("Rob Raad", date(2030, 5, 31))  # four years at most
    people = await _count(session_factory, BodyPerson)
    seventh = refusal(
        await invoke(
            "governance", "person", "add", "--body", "rvc", "--name", "Zeven Zetel",
            "--role", "member", "--start", "2026-07-01",
        )
    )  # fmt: skip
    assert "startsOn: the supervisory board has at most 6 members" in seventh
    assert "(too_many_seats)" in seventh
    assert "nothing was changed" in seventh
    assert await _count(session_factory, BodyPerson) == people
    assert (
        await _audited(session_factory, "cli:governance-person-add") == ["body_person create"] * 3
    )

    said = await _ok("governance", "person", "end", str(rob.id), "--on", "2026-12-31")
    assert "Stored: Rob Raad leaves the supervisory board after 31 December 2026" in said
    async with session_factory() as session:
        ended = await session.get(BodyPerson, rob.id)
    assert ended is not None
    assert ended.ends_on == date(2026, 12, 31)
    assert await _audited(session_factory, "cli:governance-person-end") == ["body_person update"]
    listed = await _ok("governance", "person", "list", "--body", "alv")
    assert "Wim Woerden" in listed
    assert "woerden" in listed
    assert "Rob Raad" not in listed

    async with session_factory() as session, session.begin():
        session.add(User(issuer="https://idp.example", subject="d3", email="Dana@Example.nl"))
    await _ok(
        "governance", "person", "add", "--body", "directie", "--name", "Dana Directie",
        "--role", "director", "--start", "2026-09-01", "--user-email", "dana@example.nl",
    )  # fmt: skip
    dana = await _newest(session_factory, BodyPerson)
    async with session_factory() as session:
        user = await session.scalar(select(User).where(User.subject == "d3"))
    assert user is not None
    assert dana.user_id == user.id
    unknown = refusal(
        await invoke(
            "governance", "person", "add", "--body", "directie", "--name", "Nemo",
            "--role", "director", "--start", "2026-09-01", "--user-email", "nemo@example.nl",
        )
    )  # fmt: skip
    assert "user: there is not exactly one user with e-mail address nemo@example.nl" in unknown
    assert await _count(session_factory, BodyPerson, BodyPerson.name == "Nemo") == 0


async def _rvc_meeting(factory: async_sessionmaker[AsyncSession]) -> tuple[int, list[int]]:
    """An RvC meeting on 2026-11-10 with its three members present; their numbers."""
    await _ok(
        "governance", "meeting", "add", "--body", "rvc", "--date", "2026-11-10",
        "--title", "RvC november 2026",
    )  # fmt: skip
    meeting = await _newest(factory, Meeting)
    async with factory() as session:
        rvc = list(
            await session.scalars(
                select(BodyPerson.id)
                .where(BodyPerson.body == DecisionBody.RVC)
                .order_by(BodyPerson.id)
            )
        )
    await _ok("governance", "attendance", str(meeting.id), *[f"--person={p}" for p in rvc])
    return meeting.id, rvc


@pytest.mark.usefixtures("demo")
async def test_a_conflicted_person_and_a_member_not_present_may_not_vote(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    meeting, (renee, sam, tineke) = await _rvc_meeting(session_factory)
    said = await _ok(
        "governance", "conflict", "add", "--person", str(sam), "--subject-kind", "contract",
        "--subject", "C-2026-09", "--start", "2026-01-01", "--description", "Aandeelhouder",
    )  # fmt: skip
    conflict = await _newest(session_factory, Conflict)
    assert f"Stored conflict of interest {conflict.id}: person {sam} in contract C-2026-09" in said
    added = await _audited(session_factory, "cli:governance-conflict-add")
    assert added == ["conflict_of_interest create"]
    listed = await _ok("governance", "conflict", "list")
    assert "Sam Sluis contract C-2026-09 2026-01-01" in listed
    assert "Aandeelhouder" in listed

    await _ok(
        "governance", "agenda", "add", str(meeting), "--title", "Goedkeuring hosting",
        "--kind", "contract_approval", "--subject-kind", "contract", "--subject", "C-2026-09",
    )  # fmt: skip
    item = await _newest(session_factory, AgendaItem)
    refused = refusal(
        await invoke("governance", "vote", str(item.id), "--person", str(sam), "--choice", "for")
    )
    assert "castBy: Sam Sluis has a conflict of interest in 'C-2026-09'" in refused
    assert "(conflict_of_interest)" in refused
    assert await _count(session_factory, Vote, Vote.agenda_item_id == item.id) == 0

    # A tie is no majority: the proposal is rejected and no decision is recorded.
    for person, choice in ((renee, "for"), (tineke, "against")):
        await _ok("governance", "vote", str(item.id), "--person", str(person), "--choice", choice)
    decisions = await _count(session_factory, Decision)
    said = await _ok("governance", "proposal", "close", str(item.id), "--reference", "RvC-2026-11")
    assert "1 for, 1 against, 0 abstain: rejected; no decision recorded" in said
    assert await _count(session_factory, Decision) == decisions

    # In the ALV only a member present or represented votes.
    await _ok(
        "governance", "meeting", "add", "--body", "alv", "--date", "2026-11-19", "--title", "ALV"
    )
    alv = await _newest(session_factory, Meeting)
    await _ok("governance", "attendance", str(alv.id), "--member", "woerden")
    await _ok(
        "governance", "agenda", "add", str(alv.id), "--title", "Voorstel", "--kind", "ordinary"
    )
    proposal = await _newest(session_factory, AgendaItem)
    absent = refusal(
        await invoke(
            "governance", "vote", str(proposal.id), "--member", "zwolle", "--choice", "for"
        )
    )
    assert "member: Gemeente Zwolle may not vote: neither present nor represented" in absent
    assert await _count(session_factory, Vote, Vote.agenda_item_id == proposal.id) == 0
    # Dutch for an operator whose locale is Dutch.
    assert "member: Gemeente Zwolle mag niet stemmen" in _said(
        (
            await invoke_dutch(
                "governance", "vote", str(proposal.id), "--member", "zwolle", "--choice", "for"
            )
        ).output
    )


async def invoke_dutch(*args: str) -> Any:
    import os

    before = os.environ.get("LANG")
    os.environ["LANG"] = "nl_NL.UTF-8"
    try:
        return await invoke(*args)
    finally:
        if before is None:
            del os.environ["LANG"]
        else:
            os.environ["LANG"] = before


@pytest.mark.usefixtures("demo")
async def test_minutes_are_stored_on_the_meeting(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    meeting, _ = await _rvc_meeting(session_factory)
    said = await _ok("governance", "meeting", "minutes", str(meeting), "Notulen RvC 2026-11")
    assert f"Stored the minutes of meeting {meeting}: Notulen RvC 2026-11" in said
    async with session_factory() as session:
        stored = await session.get(Meeting, meeting)
    assert stored is not None
    assert stored.minutes_reference == "Notulen RvC 2026-11"
    assert await _audited(session_factory, "cli:governance-meeting-minutes") == ["meeting update"]
    blank = refusal(await invoke("governance", "meeting", "minutes", str(meeting), " "))
    assert "minutesReference:" in blank
    assert "(required)" in blank


@pytest.mark.usefixtures("demo")
async def test_a_contract_over_the_threshold_is_signed_only_with_an_rvc_decision(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    said = await _ok(
        "contracts", "add", "C-TEST-1", "--supplier", "Hosting BV", "--subject", "Hosting",
        "--amount", "60.000,00", "--start", "2026-02-01", "--end", "2028-01-31",
        "--notice-date", "2027-10-31", "--application", "zaakafhandeling",
    )  # fmt: skip
    assert "Stored contract C-TEST-1 with Hosting BV as a draft: €60,000.00" in said
    refused = refusal(await invoke("contracts", "sign", "C-TEST-1", "--on", "2026-02-01"))
    assert "approval: a contract over €50,000.00 needs the approval of the supervisory" in refused
    assert "(rvc_approval_required)" in refused
    async with session_factory() as session:
        draft = await session.scalar(select(Contract).where(Contract.reference == "C-TEST-1"))
    assert draft is not None
    assert draft.status is ContractStatus.DRAFT

    said = await _ok(
        "contracts", "sign", "C-TEST-1", "--on", "2026-02-01", "--approval", "RvC-2024-01"
    )
    assert (
        "contract C-TEST-1 signed on 1 February 2026, approved by RvC decision RvC-2024-01" in said
    )
    said = await _ok("contracts", "end", "C-TEST-1", "--on", "2027-12-31")
    assert "contract C-TEST-1 ended on 31 December 2027" in said
    async with session_factory() as session:
        ended = await session.scalar(select(Contract).where(Contract.reference == "C-TEST-1"))
        approval = await session.scalar(select(Decision).where(Decision.reference == "RvC-2024-01"))
    assert ended is not None
    assert approval is not None
    assert (ended.status, ended.amount_cents, ended.approval_decision_id) == (
        ContractStatus.ENDED,
        6_000_000,
        approval.id,
    )
    assert (ended.signed_on, ended.ended_on) == (date(2026, 2, 1), date(2027, 12, 31))
    for command, operation in (("add", "create"), ("sign", "sign"), ("end", "end")):
        assert await _audited(session_factory, f"cli:contracts-{command}") == [
            f"contract {operation}"
        ]
    listed = await _ok("contracts", "list")
    assert "C-TEST-1" in listed
    assert label_of(ContractStatus.ENDED, "en") in listed
    assert "60,000.00" in listed
    bad = refusal(
        await invoke(
            "contracts", "add", "C-TEST-2", "--supplier", "", "--subject", "Iets",
            "--amount", "tien", "--start", "2026-02-01", "--end", "2025-01-31",
        )
    )  # fmt: skip
    for field in ("supplier:", "amount:", "endDate:"):
        assert field in bad
    assert await _count(session_factory, Contract, Contract.reference == "C-TEST-2") == 0


@pytest.mark.usefixtures("demo")
async def test_a_budget_is_drafted_adopted_once_and_then_read_only(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    assert "Draft budget 2030 version 1 is open" in await _ok("budget", "start", "2030")
    said = await _ok("budget", "line", "2030", "--item", "contributions", "--amount", "125000")
    assert "Stored budget line 2030 contributions: €125,000.00" in said
    said = await _ok(
        "budget", "line", "2030", "--item", "pool_costs", "--amount", "40.000,00",
        "--pool", "oprichting",
    )  # fmt: skip
    assert "costs of a cost pool of pool oprichting: €40,000.00" in said
    no_pool = refusal(
        await invoke("budget", "line", "2030", "--item", "pool_costs", "--amount", "1")
    )
    assert "pool:" in no_pool
    assert "(required)" in no_pool
    said = await _ok("budget", "adopt", "2030", "--decision", "ALV-2026-03-2")
    assert "budget 2030 version 1 adopted by ALV-2026-03-2" in said
    async with session_factory() as session:
        (budget,) = list(await session.scalars(select(Budget).where(Budget.year == 2030)))
        lines = list(
            await session.scalars(select(BudgetLine).where(BudgetLine.budget_id == budget.id))
        )
    assert budget.status is BudgetStatus.ADOPTED
    assert sorted(line.amount_cents for line in lines) == [4_000_000, 12_500_000]
    assert await _audited(session_factory, "cli:budget-start") == ["budget create"]
    assert await _audited(session_factory, "cli:budget-adopt") == ["budget adopt"]
    assert await _audited(session_factory, "cli:budget-line") == ["budget_line create"] * 2

    adopted = refusal(await invoke("budget", "adopt", "2030", "--decision", "ALV-2026-03-1"))
    assert "year:" in adopted
    assert "(budget_adopted)" in adopted
    changed = refusal(
        await invoke("budget", "line", "2030", "--item", "contributions", "--amount", "1")
    )
    assert "(budget_adopted)" in changed
    assert await _count(session_factory, BudgetLine, BudgetLine.budget_id == budget.id) == 2
    assert await _audited(session_factory, "cli:budget-adopt") == ["budget adopt"]
    shown = await _ok("budget", "show", "2030")
    assert "Budget 2030 version 1: adopted, adopted by ALV-2026-03-2" in shown
    assert "income 125,000.00" in shown
    assert "costs 40,000.00" in shown
    calendar = await _ok("budget", "calendar", "2029")
    assert re.search(
        r"2029-11-30 Done \(\d{4}-\d\d-\d\d\): Budget and strategic plan by 1 December 2030",
        calendar,
    )
    assert "2020-11-30 Late: Budget and strategic plan by 1 December 2021" in _said(
        (await invoke("budget", "calendar", "2020")).output
    )
    dutch = _said((await invoke_dutch("budget", "calendar", "2020")).output)
    assert "2020-11-30 Te laat: Begroting en strategisch plan vóór 1 december 2021" in dutch
    assert "2020-03-31 Te laat: ALV in het eerste kwartaal 2020" in dutch


@pytest.mark.usefixtures("demo")
async def test_approvals_list_shows_what_waits_and_what_was_decided(
    session: AsyncSession,
) -> None:
    four_eyes = Settings(four_eyes=True)
    for year, reference in ((2024, "DIR-2025-01"), (2025, "DIR-2026-01")):
        await record_decision(
            session,
            ANNE,
            DecisionInput("directie", date(year + 1, 1, 15), reference, f"Jaarrekening {year}"),
        )
    requests: Sequence[Any] = [
        (
            await approvals.submit(session, ANNE, four_eyes, CloseYear(y, r), date(2026, 2, 1))
        ).request
        for y, r in ((2024, "DIR-2025-01"), (2025, "DIR-2026-01"))
    ]
    await approvals.reject(session, BART, requests[0].id, "Eerst de accountant")
    await session.commit()
    listed = await _ok("approvals", "list")
    close_year = label_of(ApprovalKind.CLOSE_YEAR, "en")
    pending_label = label_of(ApprovalStatus.PENDING, "en")
    assert f"{requests[1].id} {close_year} 2025 (DIR-2026-01) {pending_label}" in listed
    assert label_of(ApprovalStatus.REJECTED, "en") in listed
    assert "Bart Bestuurder" in listed
    assert "Eerst de accountant" in listed
    assert "Anne Bestuurder" in listed
    assert "/goedkeuringen" in listed
    pending = await _ok("approvals", "list", "--status", "pending")
    assert f"{close_year} 2025" in pending
    assert f"{close_year} 2024" not in pending
    helped = await _ok("approvals", "list", "--help")
    assert "never from the command line" in helped


@pytest.mark.usefixtures("demo")
async def test_confirmations_and_headings_follow_the_operators_language() -> None:
    """The command line's own texts, not only its refusals, come in the operator's language:
    Dutch for an nl_* locale, with euros and days as Dutch writes them; English otherwise."""
    assert "Draft budget 2031 version 1 is open." in await _ok("budget", "start", "2031")
    line = ("budget", "line", "2031", "--item", "contributions", "--amount", "1234,5")
    dutch = await invoke_dutch(*line)
    assert dutch.exit_code == 0, dutch.output
    assert "Begrotingsregel 2031 contributies vastgelegd: € 1.234,50." in _said(dutch.output)
    assert "Stored budget line 2031 contributions: €1,234.50." in await _ok(*line)

    shown = _said((await invoke_dutch("budget", "show", "2031")).output)
    assert "Begroting 2031 versie 1: concept" in shown
    assert "regel pot bedrag (EUR)" in shown
    assert "baten 1.234,50" in shown
    shown = await _ok("budget", "show", "2031")
    assert "Budget 2031 version 1: draft" in shown
    assert "line pool amount (EUR)" in shown
    assert "income 1,234.50" in shown

    listed = _said((await invoke_dutch("contracts", "list")).output)
    assert "kenmerk leverancier onderwerp status bedrag (EUR) looptijd opzegdatum" in listed
    assert "contract(en)." in listed
    listed = await _ok("contracts", "list")
    assert "reference supplier subject status amount (EUR) term notice" in listed
    assert "contract(s)." in listed

    meeting = _said(
        (
            await invoke_dutch(
                "governance", "meeting", "add", "--body", "rvc", "--date", "2031-03-04",
                "--title", "RvC maart",
            )
        ).output
    )  # fmt: skip
    assert "RvC maart op 4 maart 2031 (vergadering)." in meeting
    assert meeting.startswith("Vergadering ")
