"""Usage tariffs, set by a recorded decision, and the usage fees they give. Services flush,
never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.catalogue import repository as catalogue
from registry.kit.errors import ErrorCollector, RefusedValue, ValidationFailed
from registry.kit.money import parse_rate
from registry.members import repository as members
from registry.members.decisions import decision_of_any
from registry.members.lookup import member_or_refuse
from registry.usage import repository
from registry.usage.adoptions import application_or_refuse
from registry.usage.errors import UsageRefusal
from registry.usage.models import (
    UsageTariff,
)
from registry.usage.rules import (
    Tariff,
    Usage,
    UsageFeeLine,
    parse_metric,
    parse_period,
    usage_fees,
)
from registry.years.service import refuse_closed


@dataclass(frozen=True, slots=True)
class TariffInput:
    """A usage tariff as entered: every field text, checked by `set_tariff`."""

    application: str
    """The application's slug."""
    metric: str
    price: str
    """Euro per unit."""
    valid_from: str
    """The first month (YYYY-MM)."""
    decision_reference: str


async def set_tariff(session: AsyncSession, actor: Actor, data: TariffInput) -> UsageTariff:
    """Euro per unit of a metric from a month on, set by a recorded decision."""
    require(actor, Permission.FEES_MANAGE, UsageRefusal.TARIFF_FORBIDDEN)
    errors = ErrorCollector()
    application = await errors.check_awaitable(application_or_refuse(session, data.application))
    kind = errors.check(lambda: parse_metric(data.metric))
    month = errors.check(lambda: parse_period(data.valid_from, "validFrom"))
    amount = None
    try:
        amount = parse_rate(data.price)
    except RefusedValue as exc:
        errors.add("price", UsageRefusal.INVALID_PRICE, reason=exc.phrase)
    decision = await errors.check_awaitable(
        decision_of_any(session, data.decision_reference, "decision")
    )
    errors.raise_if_any()
    assert application is not None
    assert kind is not None
    assert month is not None
    assert amount is not None
    assert decision is not None
    await refuse_closed(session, {"validFrom": month})
    tariffs = await repository.tariffs_of(session, [application.id])
    if any(t.metric is kind and t.valid_from == month for t in tariffs):
        raise ValidationFailed.single(
            "validFrom", UsageRefusal.TARIFF_EXISTS, metric=kind, month=data.valid_from
        )
    tariff = UsageTariff(
        application_id=application.id,
        metric=kind,
        price=amount,
        valid_from=month,
        decision_id=decision.id,
    )
    await add_recorded(
        session, actor, tariff, entity_type="usage_tariff", decision=decision.reference
    )
    return tariff


async def usage_fee_preview(
    session: AsyncSession, actor: Actor, member_code: str, first: str, last: str
) -> list[UsageFeeLine]:
    """The usage fees of a member over a range of months, from its records and the tariffs."""
    member = await member_or_refuse(session, member_code)
    require(actor, Permission.MEMBER_READ_PRIVATE, UsageRefusal.USAGE_PRIVATE, member_id=member.id)
    start = parse_period(first, "from")
    end = parse_period(last, "to")
    records = await repository.records_of_member(session, member.id, start, end)
    applications = await catalogue.applications_by_ids(
        session, sorted({r.application_id for r in records})
    )
    tariffs = await repository.tariffs_of(session, list(applications))
    decisions = await members.decisions_by_ids(session, sorted({t.decision_id for t in tariffs}))
    return usage_fees(
        [
            Usage(applications[r.application_id].slug, r.period, r.metric, r.quantity)
            for r in records
        ],
        [
            Tariff(
                applications[t.application_id].slug,
                t.metric,
                t.price,
                t.valid_from,
                decisions[t.decision_id].reference,
            )
            for t in tariffs
        ],
    )
