"""The contracts register: recording, signing above the threshold only with the RvC's
approval, ending, cost entries pointing to a contract, and the reminder before a notice
date sent once, also by two runs at the same moment."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.auth.roles import Actor, ActorKind, Grant, Role
from registry.contracts.models import ContractReminder, ContractStatus
from registry.contracts.reminders import send_contract_reminders
from registry.contracts.rules import needs_rvc_approval, notice_near, still_to_come
from registry.contracts.service import (
    ContractInput,
    contracts_near_notice,
    create_contract,
    end_contract,
    sign_contract,
)
from registry.costs.models import CostCategory, CostEntry, PoolKind
from registry.costs.pools import EntryInput, PoolInput, add_entry, create_pool
from registry.costs.sharing import AllocationKey
from registry.db import transaction
from registry.governance.errors import GovernanceRefusal
from registry.governance.models import BodyPerson, Conflict, PersonRole
from registry.governance.rules import SubjectKind
from registry.kit.errors import Forbidden, ValidationFailed
from registry.members.decisions import DecisionInput, record_decision
from registry.members.models import DecisionBody
from registry.messages.models import Message
from registry.settings import Settings
from tests.helpers.cooperative import ACTOR, AUDITOR, cooperative

__all__ = ["cooperative"]

THRESHOLD = Decimal(50000)
SETTINGS = Settings(directie_email="directie@samendigitaal.example", contract_notice_days=60)


def hosting(
    reference: str = "C-2026-01", amount: str = "60.000,00", **changes: object
) -> ContractInput:
    values: dict[str, object] = {
        "reference": reference,
        "supplier": "Hosting BV",
        "subject": "Hosting van de zaakafhandelcomponent",
        "amount": amount,
        "start_date": date(2026, 1, 1),
        "end_date": date(2027, 12, 31),
        "notice_date": date(2027, 6, 30),
        "notice_period_months": 6,
    }
    values.update(changes)
    return ContractInput(**values)  # type: ignore[arg-type]


def test_the_threshold_is_strictly_over_the_amount() -> None:
    assert not needs_rvc_approval(5_000_000, 5_000_000)
    assert needs_rvc_approval(5_000_001, 5_000_000)


def test_notice_near_counts_today_and_the_last_day() -> None:
    today = date(2027, 5, 1)
    assert notice_near(date(2027, 5, 1), today, 60)
    assert notice_near(today + timedelta(60), today, 60)
    assert not notice_near(today + timedelta(61), today, 60)
    assert not notice_near(date(2027, 4, 30), today, 60)
    assert not notice_near(None, today, 60)


def test_still_to_come_is_pro_rata_by_days() -> None:
    # 366 days in 2024; after 30 June 184 days remain.
    assert still_to_come(36_600_00, date(2024, 1, 1), date(2024, 12, 31), date(2024, 6, 30)) == (
        18_400_00
    )
    assert still_to_come(1000, date(2024, 1, 1), date(2024, 12, 31), date(2023, 12, 31)) == 1000
    assert still_to_come(1000, date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 31)) == 0


@given(
    st.integers(0, 10**12),
    st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    st.integers(0, 5000),
    st.integers(-10, 6000),
)
def test_still_to_come_never_exceeds_the_amount_and_falls_over_time(
    amount: int, start: date, days: int, offset: int
) -> None:
    end = start + timedelta(days)
    on = start + timedelta(offset)
    now = still_to_come(amount, start, end, on)
    assert 0 <= now <= amount
    assert still_to_come(amount, start, end, on + timedelta(1)) <= now


async def test_a_contract_over_the_threshold_needs_an_rvc_decision(
    cooperative: AsyncSession,
) -> None:
    session = cooperative
    contract = await create_contract(session, ACTOR, hosting())
    assert contract.amount_cents == 6_000_000
    assert contract.status is ContractStatus.DRAFT
    with pytest.raises(ValidationFailed) as refused:
        await sign_contract(session, ACTOR, "C-2026-01", date(2026, 1, 10), None, THRESHOLD)
    (error,) = refused.value.errors
    assert (error.field, error.code) == ("approval", "rvc_approval_required")
    assert "€\xa050.000,00" in error.text("nl")
    assert "RvC" in error.text("nl")
    assert "€50,000.00" in error.text("en")
    # A decision of the ALV is not the RvC's approval.
    with pytest.raises(ValidationFailed) as wrong_body:
        await sign_contract(
            session, ACTOR, "C-2026-01", date(2026, 1, 10), "ALV-2019-12", THRESHOLD
        )
    assert wrong_body.value.errors[0].field == "approval"
    await record_decision(
        session, ACTOR, DecisionInput("rvc", date(2026, 1, 8), "RvC-2026-01", "hosting")
    )
    # An approval taken after the signing is no approval of it.
    with pytest.raises(ValidationFailed) as late:
        await sign_contract(session, ACTOR, "C-2026-01", date(2026, 1, 5), "RvC-2026-01", THRESHOLD)
    assert late.value.errors[0].code == "approval_after_signing"
    signed = await sign_contract(
        session, ACTOR, "C-2026-01", date(2026, 1, 10), "RvC-2026-01", THRESHOLD
    )
    assert signed.status is ContractStatus.SIGNED
    assert signed.approval_decision_id is not None
    # Signing again (a double submit) changes nothing.
    again = await sign_contract(
        session, ACTOR, "C-2026-01", date(2026, 1, 10), "RvC-2026-01", THRESHOLD
    )
    assert again.id == signed.id
    operations = list(
        await session.scalars(
            select(AuditEvent.operation)
            .where(AuditEvent.entity_type == "contract")
            .order_by(AuditEvent.seq)
        )
    )
    assert operations == ["create", "sign"]
    ended = await end_contract(session, ACTOR, "C-2026-01", date(2027, 12, 31))
    assert ended.status is ContractStatus.ENDED
    with pytest.raises(ValidationFailed):
        await sign_contract(session, ACTOR, "C-2026-01", date(2028, 1, 1), None, THRESHOLD)


async def test_up_to_the_threshold_signing_needs_no_decision_and_the_setting_counts(
    cooperative: AsyncSession,
) -> None:
    session = cooperative
    await create_contract(session, ACTOR, hosting("C-1", "50000"))
    signed = await sign_contract(session, ACTOR, "C-1", date(2026, 1, 2), None, THRESHOLD)
    assert signed.status is ContractStatus.SIGNED
    await create_contract(session, ACTOR, hosting("C-2", "50000"))
    with pytest.raises(ValidationFailed) as refused:
        await sign_contract(session, ACTOR, "C-2", date(2026, 1, 2), None, Decimal(10000))
    assert "€\xa010.000,00" in refused.value.errors[0].text("nl")


async def test_recording_is_checked_and_a_double_submit_stores_one(
    cooperative: AsyncSession,
) -> None:
    session = cooperative
    with pytest.raises(ValidationFailed) as refused:
        await create_contract(
            session,
            ACTOR,
            hosting(
                "",
                "12,345",
                supplier=" ",
                end_date=date(2025, 1, 1),
                notice_period_months=200,
                application="bestaat-niet",
            ),
        )
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("reference", "required"),
        ("supplier", "required"),
        ("amount", "invalid_amount"),
        ("endDate", "end_before_start"),
        ("noticeDate", "notice_after_end"),
        ("noticePeriodMonths", "invalid_notice_period"),
        ("application", "unknown_application"),
    }
    first = await create_contract(session, ACTOR, hosting())
    second = await create_contract(session, ACTOR, hosting())
    assert first.id == second.id
    with pytest.raises(ValidationFailed) as taken:
        await create_contract(session, ACTOR, hosting(supplier="Ander BV"))
    assert taken.value.errors[0].code == "duplicate"
    with pytest.raises(Forbidden):
        await create_contract(session, AUDITOR, hosting("C-9"))


async def test_a_cost_entry_points_to_the_contract_it_comes_from(
    cooperative: AsyncSession,
) -> None:
    session = cooperative
    await create_pool(
        session,
        ACTOR,
        PoolInput("bedrijfsvoering", "Bedrijfsvoering", PoolKind.OPERATING, AllocationKey.EQUAL),
    )
    contract = await create_contract(session, ACTOR, hosting(pool="bedrijfsvoering"))
    assert contract.pool_id is not None
    entry = await add_entry(
        session,
        ACTOR,
        "bedrijfsvoering",
        EntryInput(
            "2500", date(2026, 2, 1), CostCategory.HOSTING, "Hosting januari", contract="C-2026-01"
        ),
    )
    stored = await session.get(CostEntry, entry.id)
    assert stored is not None
    assert stored.contract_id == contract.id
    with pytest.raises(ValidationFailed) as refused:
        await add_entry(
            session,
            ACTOR,
            "bedrijfsvoering",
            EntryInput("10", date(2026, 2, 1), CostCategory.HOSTING, "x", contract="C-404"),
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("contract", "unknown_contract")]


async def _signed(session: AsyncSession) -> None:
    await record_decision(
        session, ACTOR, DecisionInput("rvc", date(2026, 1, 8), "RvC-2026-01", "hosting")
    )
    await create_contract(session, ACTOR, hosting())
    await sign_contract(session, ACTOR, "C-2026-01", date(2026, 1, 10), "RvC-2026-01", THRESHOLD)
    await create_contract(session, ACTOR, hosting("C-draft", "100"))


async def test_the_reminder_goes_once_per_notice_date_and_the_page_lists_it(
    cooperative: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _signed(cooperative)
    await cooperative.commit()
    notice = date(2027, 6, 30)

    async def run(day: date) -> list[ContractReminder]:
        async with transaction(session_factory) as session:
            return await send_contract_reminders(session, SETTINGS, day)

    assert await run(notice - timedelta(61)) == []
    (reminder,) = await run(notice - timedelta(60))
    assert reminder.notice_date == notice
    assert await run(notice - timedelta(30)) == []
    async with session_factory() as session:
        (message,) = list(await session.scalars(select(Message)))
        near = await contracts_near_notice(session, AUDITOR, notice - timedelta(10), 60)
        assert [c.reference for c in near] == ["C-2026-01"]
        assert await contracts_near_notice(session, AUDITOR, notice + timedelta(1), 60) == []
        audited = list(
            await session.scalars(
                select(AuditEvent.entity_type).where(AuditEvent.entity_type == "contract_reminder")
            )
        )
    assert message.recipients == "directie@samendigitaal.example"
    assert "C-2026-01" in message.subject
    assert "30 juni 2027" in message.text_body
    assert "60.000,00" in message.text_body
    assert audited == ["contract_reminder"]


async def test_the_reminder_is_in_the_directie_language(
    cooperative: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """Dutch by default (above); English when the directie reads English."""
    await _signed(cooperative)
    await cooperative.commit()
    english = Settings(**{**SETTINGS.model_dump(), "directie_language": "en"})
    async with transaction(session_factory) as session:
        (reminder,) = await send_contract_reminders(session, english, date(2027, 6, 1))
    async with session_factory() as session:
        message = await session.get(Message, reminder.message_id)
    assert message is not None
    assert message.language == "en"
    assert message.subject == "Notice date approaching: contract C-2026-01 with Hosting BV"
    assert "30 June 2027, in 29 days" in message.text_body
    assert "€60,000.00" in message.text_body
    assert "Dear management" in message.html_body


async def test_two_runs_at_the_same_moment_remind_once(
    cooperative: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _signed(cooperative)
    await cooperative.commit()
    day = date(2027, 6, 1)
    start = asyncio.Event()

    async def run() -> int:
        await start.wait()
        async with transaction(session_factory) as session:
            sent = await send_contract_reminders(session, SETTINGS, day)
            await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
            return len(sent)

    tasks = [asyncio.create_task(run()) for _ in range(2)]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == [0, 1]
    async with session_factory() as session:
        assert len(list(await session.scalars(select(ContractReminder)))) == 1
        assert len(list(await session.scalars(select(Message)))) == 1


async def test_one_contract_entered_twice_at_the_same_moment_is_stored_once(
    cooperative: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await cooperative.commit()
    start = asyncio.Event()

    async def run() -> int:
        await start.wait()
        async with transaction(session_factory) as session:
            contract = await create_contract(session, ACTOR, hosting())
            await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
            return contract.id

    tasks = [asyncio.create_task(run()) for _ in range(2)]
    start.set()
    first, second = await asyncio.gather(*tasks)
    assert first == second
    async with session_factory() as session:
        audited = list(
            await session.scalars(
                select(AuditEvent.operation).where(AuditEvent.entity_type == "contract")
            )
        )
    assert audited == ["create"]


async def test_one_contract_signed_twice_at_the_same_moment_is_signed_once(
    cooperative: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await create_contract(cooperative, ACTOR, hosting("C-S", "1000"))
    await cooperative.commit()
    start = asyncio.Event()

    async def run() -> ContractStatus:
        await start.wait()
        async with transaction(session_factory) as session:
            contract = await sign_contract(session, ACTOR, "C-S", date(2026, 2, 1), None, THRESHOLD)
            await asyncio.sleep(0.05)
            return contract.status

    tasks = [asyncio.create_task(run()) for _ in range(2)]
    start.set()
    assert await asyncio.gather(*tasks) == [ContractStatus.SIGNED, ContractStatus.SIGNED]
    async with session_factory() as session:
        audited = list(
            await session.scalars(
                select(AuditEvent.operation)
                .where(AuditEvent.entity_type == "contract")
                .order_by(AuditEvent.seq)
            )
        )
    assert audited == ["create", "sign"]


async def test_a_director_with_a_conflict_of_interest_in_the_contract_does_not_sign_it(
    cooperative: AsyncSession,
) -> None:
    session = cooperative
    director = Actor(ActorKind.USER, "Dirk", 41, grants=frozenset({Grant(Role.DIRECTIE)}))
    session.add(User(id=41, issuer="https://login.example", subject="dirk"))
    person = BodyPerson(
        name="Dirk",
        body=DecisionBody.DIRECTIE,
        role=PersonRole.DIRECTOR,
        user_id=41,
        starts_on=date(2025, 1, 1),
    )
    session.add(person)
    await session.flush()
    session.add(
        Conflict(
            person_id=person.id,
            subject_kind=SubjectKind.CONTRACT,
            subject_reference="C-1",
            starts_on=date(2025, 6, 1),
        )
    )
    await create_contract(session, ACTOR, hosting("C-1", "50000"))
    await create_contract(session, ACTOR, hosting("C-2", "50000"))
    with pytest.raises(Forbidden) as refused:
        await sign_contract(session, director, "C-1", date(2026, 1, 2), None, THRESHOLD)
    assert refused.value.phrase.refusal is GovernanceRefusal.CONFLICTED
    assert "Dirk heeft een tegenstrijdig belang bij" in refused.value.phrase.text("nl")
    signed = await sign_contract(session, director, "C-2", date(2026, 1, 2), None, THRESHOLD)
    assert signed.status is ContractStatus.SIGNED
