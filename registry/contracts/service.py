"""The contracts register's operations: record a contract, sign it (with the RvC's approval
above the threshold), end it; and the reminders before a notice date.

Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_row
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor, ActorKind
from registry.catalogue.repository import application_by_slug
from registry.contracts import repository
from registry.contracts.errors import ContractsRefusal
from registry.contracts.models import Contract, ContractStatus
from registry.contracts.rules import needs_rvc_approval
from registry.costs.repository import pool_by_code
from registry.db import serialise
from registry.governance.rules import Subject, SubjectKind
from registry.governance.service import refuse_if_conflicted
from registry.kit.errors import (
    ErrorCollector,
    Euro,
    NotFound,
    RefusedValue,
    ValidationFailed,
)
from registry.kit.money import parse_euro, to_cents
from registry.members.decisions import decision_of
from registry.members.models import DecisionBody

LIMITS = {"reference": 80, "supplier": 200, "subject": 300}
MAX_NOTICE_MONTHS = 120
LIST_LIMIT = 500
"""The register page and the API list at most this many contracts."""


@dataclass(frozen=True, slots=True)
class ContractInput:
    reference: str
    supplier: str
    subject: str
    amount: str
    """In euros, Dutch or plain notation ("60.000,00" or "60000")."""
    start_date: date
    end_date: date
    notice_date: date | None = None
    notice_period_months: int | None = None
    application: str | None = None
    """An application's slug."""
    pool: str | None = None
    """A cost pool's code."""


def authorise(actor: Actor) -> None:
    require(actor, Permission.CONTRACTS_MANAGE, ContractsRefusal.DIRECTIE_ONLY)


def authorise_reading(actor: Actor) -> None:
    require(actor, Permission.FINANCE_READ, ContractsRefusal.READERS_ONLY)


def threshold_cents(threshold: Decimal) -> int:
    return to_cents(threshold)


async def contract_or_refuse(session: AsyncSession, reference: str) -> Contract:
    contract = await repository.contract_by_reference(session, reference.strip())
    if contract is None:
        raise NotFound(ContractsRefusal.NO_CONTRACT, reference=reference)
    return contract


async def _locked(session: AsyncSession, reference: str) -> Contract:
    await serialise(session, f"contract:{reference.strip()}")
    contract = await contract_or_refuse(session, reference)
    await session.refresh(contract)
    return contract


async def create_contract(session: AsyncSession, actor: Actor, data: ContractInput) -> Contract:
    """Record a contract as a draft. The same contract entered again (a double submit, a
    retried call) answers with the stored one; another contract under the same reference is
    refused. The reference is locked first, so two requests at the same moment store one."""
    authorise(actor)
    errors = ErrorCollector()
    texts = {
        "reference": data.reference.strip(),
        "supplier": data.supplier.strip(),
        "subject": data.subject.strip(),
    }
    required = {
        "reference": ContractsRefusal.REFERENCE_REQUIRED,
        "supplier": ContractsRefusal.SUPPLIER_REQUIRED,
        "subject": ContractsRefusal.SUBJECT_REQUIRED,
    }
    for name, text in texts.items():
        if not text:
            errors.add(name, required[name])
        elif len(text) > LIMITS[name]:
            errors.add(name, ContractsRefusal.TOO_LONG, limit=LIMITS[name])
    amount: int | None = None
    try:
        amount = to_cents(parse_euro(data.amount))
    except RefusedValue as exc:
        errors.add("amount", ContractsRefusal.INVALID_AMOUNT, reason=exc.phrase)
    if amount is not None and amount < 0:
        errors.add("amount", ContractsRefusal.NEGATIVE_AMOUNT)
    if data.end_date < data.start_date:
        errors.add("endDate", ContractsRefusal.END_BEFORE_START)
    if data.notice_date is not None and data.notice_date > data.end_date:
        errors.add("noticeDate", ContractsRefusal.NOTICE_AFTER_END)
    months = data.notice_period_months
    if months is not None and not 0 <= months <= MAX_NOTICE_MONTHS:
        errors.add("noticePeriodMonths", ContractsRefusal.INVALID_NOTICE_PERIOD)
    application_id = pool_id = None
    if data.application and data.application.strip():
        application = await application_by_slug(session, data.application.strip())
        if application is None:
            errors.add(
                "application", ContractsRefusal.UNKNOWN_APPLICATION, application=data.application
            )
        else:
            application_id = application.id
    if data.pool and data.pool.strip():
        pool = await pool_by_code(session, data.pool.strip())
        if pool is None:
            errors.add("pool", ContractsRefusal.UNKNOWN_POOL, pool=data.pool)
        else:
            pool_id = pool.id
    errors.raise_if_any()
    assert amount is not None
    values = {
        "reference": texts["reference"],
        "supplier": texts["supplier"],
        "subject": texts["subject"],
        "amount_cents": amount,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "notice_date": data.notice_date,
        "notice_period_months": months,
        "application_id": application_id,
        "pool_id": pool_id,
    }
    await serialise(session, f"contract:{texts['reference']}")
    stored = await repository.contract_by_reference(session, texts["reference"])
    if stored is not None:
        await session.refresh(stored)
        if all(getattr(stored, k) == v for k, v in values.items()):
            return stored
        raise ValidationFailed.single(
            "reference", ContractsRefusal.REFERENCE_TAKEN, reference=texts["reference"]
        )
    contract = Contract(**values, status=ContractStatus.DRAFT, created_by=actor.label)
    session.add(contract)
    await session.flush()
    await record_row(session, actor, "create", "contract", contract, entity_id=contract.reference)
    return contract


def _state(contract: Contract) -> dict[str, object]:
    return {
        "status": contract.status.value,
        "signed_on": contract.signed_on.isoformat() if contract.signed_on else None,
        "approval_decision_id": contract.approval_decision_id,
        "ended_on": contract.ended_on.isoformat() if contract.ended_on else None,
    }


async def sign_contract(
    session: AsyncSession,
    actor: Actor,
    reference: str,
    signed_on: date,
    approval: str | None,
    threshold: Decimal,
) -> Contract:
    """Mark a draft signed. Over the threshold it needs an RvC decision taken on or before
    the signing date; signing a signed contract again with the same date answers with it. A
    director with a recorded conflict of interest in the contract does not sign it."""
    authorise(actor)
    contract = await _locked(session, reference)
    if contract.status is ContractStatus.SIGNED and contract.signed_on == signed_on:
        return contract
    if contract.status is not ContractStatus.DRAFT:
        raise ValidationFailed.single(
            "reference",
            ContractsRefusal.NOT_DRAFT,
            reference=contract.reference,
            status=contract.status,
        )
    signer = actor.user_id if actor.kind is ActorKind.USER else None
    subject = Subject(SubjectKind.CONTRACT, contract.reference)
    await refuse_if_conflicted(session, subject, signed_on, user_id=signer)
    limit = threshold_cents(threshold)
    decision_id = None
    if approval and approval.strip():
        decision = await decision_of(session, approval, DecisionBody.RVC, "approval")
        if decision.decided_on > signed_on:
            raise ValidationFailed.single(
                "approval", ContractsRefusal.APPROVAL_AFTER_SIGNING, reference=decision.reference
            )
        decision_id = decision.id
    elif needs_rvc_approval(contract.amount_cents, limit):
        raise ValidationFailed.single(
            "approval", ContractsRefusal.RVC_APPROVAL_REQUIRED, threshold=Euro(limit)
        )
    before = _state(contract)
    contract.status = ContractStatus.SIGNED
    contract.signed_on = signed_on
    contract.approval_decision_id = decision_id
    await session.flush()
    await record_row(
        session, actor, "sign", "contract", contract, entity_id=contract.reference, before=before
    )
    return contract


async def end_contract(
    session: AsyncSession, actor: Actor, reference: str, ended_on: date
) -> Contract:
    """A signed contract ends (given notice, or run out); ending it again answers with it."""
    authorise(actor)
    contract = await _locked(session, reference)
    if contract.status is ContractStatus.ENDED:
        return contract
    if contract.status is not ContractStatus.SIGNED:
        raise ValidationFailed.single(
            "reference",
            ContractsRefusal.NOT_SIGNED,
            reference=contract.reference,
            status=contract.status,
        )
    assert contract.signed_on is not None
    if ended_on < contract.signed_on:
        raise ValidationFailed.single("endedOn", ContractsRefusal.SIGNED_BEFORE_START)
    before = _state(contract)
    contract.status = ContractStatus.ENDED
    contract.ended_on = ended_on
    await session.flush()
    await record_row(
        session, actor, "end", "contract", contract, entity_id=contract.reference, before=before
    )
    return contract


async def list_contracts(session: AsyncSession, actor: Actor) -> Sequence[Contract]:
    authorise_reading(actor)
    return await repository.all_contracts(session, LIST_LIMIT)


async def contracts_near_notice(
    session: AsyncSession, actor: Actor, today: date, days: int
) -> Sequence[Contract]:
    """Signed contracts whose notice date is from today up to `days` days ahead."""
    authorise_reading(actor)
    return await repository.notice_near(session, today, days)
