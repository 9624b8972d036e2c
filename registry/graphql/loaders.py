"""DataLoaders, created per request, so a page of N items costs a constant number of queries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from registry.auth import repository as auth
from registry.auth.models import ApiToken
from registry.auth.roles import Actor
from registry.billing import reading as billing_reading
from registry.billing import repository as billing
from registry.billing.models import BillingAccount, Invoice, Settlement
from registry.catalogue import models as catalogue_models
from registry.catalogue import repository as catalogue
from registry.catalogue.models import (
    Application,
    ApplicationInterest,
    BusinessCase,
    CommunityMember,
    Release,
    StandardClaim,
)
from registry.costs.reading import MemberShare, shares_of_members
from registry.fees import repository as fees
from registry.fees.models import FeeLine, FeeRun
from registry.members import repository as members
from registry.members.figures import figures_of
from registry.members.models import Decision, Member, Membership, Municipality
from registry.members.population import Figure
from registry.usage import adoptions as usage
from registry.usage import records as usage_records
from registry.usage.models import UsageRecord
from registry.usage.users import NO_USERS, Users, users_of_applications

K = TypeVar("K")
V = TypeVar("V")


UsageKey = tuple[int, date, date]
"""A member's usage from one month to another."""


class Loaders:
    """Every loader fetches all its keys in a fixed number of queries.

    Loaders of private data pass the request's actor to the domain, which refuses a member
    the actor may not see, exactly as the single-member functions do.
    """

    def __init__(self, session: AsyncSession, lock: asyncio.Lock, actor: Actor) -> None:
        self._session = session
        self._lock = lock
        self._actor = actor
        self._all: list[DataLoader[Any, Any]] = []
        self.member_by_id = self._loader(self._members)
        self.releases = self._loader(self._releases)
        self.standards = self._loader(self._standards)
        self.claims_of_application = self._loader(self._claims)
        self.reference_components_of_application = self._loader(self._reference_components)
        self.categories_of_application = self._loader(self._categories)
        self.municipalities_of_member = self._loader(self._municipalities)
        self.figures_of_municipality = self._loader(self._figures)
        self.tokens_of_member = self._loader(self._tokens)
        self.memberships_of_member = self._loader(self._memberships)
        self.decision_by_id = self._loader(self._decisions)
        self.contributions_of_member = self._loader(self._contributions)
        self.settlements_of_invoice = self._loader(self._settlements)
        self.invoice_number_by_id = self._loader(self._invoice_numbers)
        self.application_by_id = self._loader(self._applications)
        self.users_of_application = self._loader(self._users)
        self.community_of_application = self._loader(self._community)
        self.interest_in_application = self._loader(self._interest)
        self.business_cases_of_application = self._loader(self._business_cases)
        self.applications_in_use_of_member = self._loader(self._applications_in_use)
        self.derived_figures_of_member = self._loader(self._derived_figures)
        self.adoptions_of_member = self._loader(self._adoptions)
        self.shares_of_member = self._loader(self._shares)
        self.usage_of_member = self._loader(self._usage)
        self.account_of_member = self._loader(self._accounts)
        self.credit_of_member = self._loader(self._credit)
        self.invoices_of_member = self._loader(self._invoices)
        self.fee_run_by_id = self._loader(self._fee_runs)

    def clear(self) -> None:
        """Forget everything loaded so far, e.g. after a mutation changed it."""
        for loader in self._all:
            loader.clear_all()

    def _loader(self, fetch: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> DataLoader[K, V]:
        async def load(keys: list[K]) -> Sequence[V]:
            async with self._lock:
                return await fetch(keys)

        loader: DataLoader[K, V] = DataLoader(load_fn=load)
        self._all.append(loader)
        return loader

    async def _members(self, ids: Sequence[int]) -> list[Member | None]:
        found = await members.members_by_ids(self._session, ids)
        return [found.get(i) for i in ids]

    async def _tokens(self, ids: Sequence[int]) -> list[list[ApiToken]]:
        found = await auth.tokens_of_members(self._session, ids)
        return [found[i] for i in ids]

    async def _interest(self, ids: Sequence[int]) -> list[list[ApplicationInterest]]:
        found = await catalogue.interest_in_applications(self._session, ids)
        return [found[i] for i in ids]

    async def _releases(self, ids: Sequence[int]) -> list[list[Release]]:
        found = await catalogue.releases_of(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _standards(self, ids: Sequence[int]) -> list[list[StandardClaim]]:
        found = await catalogue.standards_of(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _claims(
        self, ids: Sequence[int]
    ) -> list[list[tuple[StandardClaim, catalogue_models.Standard | None]]]:
        found = await catalogue.claims_with_standards(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _reference_components(self, ids: Sequence[int]) -> list[list[str]]:
        found = await catalogue.reference_components_of(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _categories(self, ids: Sequence[int]) -> list[list[str]]:
        found = await catalogue.categories_of(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _municipalities(self, ids: Sequence[int]) -> list[list[Municipality]]:
        found = await members.municipalities_of_members(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _figures(self, ids: Sequence[int]) -> list[list[members.FigureRow]]:
        by_municipality: dict[int, list[members.FigureRow]] = {i: [] for i in ids}
        for figure in await members.figure_rows_for(self._session, ids):
            by_municipality[figure.municipality_id].append(figure)
        return [by_municipality[i] for i in ids]

    async def _memberships(self, ids: Sequence[int]) -> list[list[Membership]]:
        found = await members.memberships_of_members(self._session, ids)
        return [found[i] for i in ids]

    async def _decisions(self, ids: Sequence[int]) -> list[Decision | None]:
        found = await members.decisions_by_ids(self._session, ids)
        return [found.get(i) for i in ids]

    async def _contributions(self, ids: Sequence[int]) -> list[list[tuple[int, FeeLine]]]:
        by_member: dict[int, list[tuple[int, FeeLine]]] = {i: [] for i in ids}
        for year, line in await fees.current_lines_of_members(self._session, ids):
            by_member[line.member_id].append((year, line))
        return [by_member[i] for i in ids]

    async def _settlements(self, ids: Sequence[int]) -> list[list[Settlement]]:
        by_invoice: dict[int, list[Settlement]] = {i: [] for i in ids}
        for settlement in await billing.settlements_of(self._session, ids):
            by_invoice[settlement.invoice_id].append(settlement)
        return [by_invoice[i] for i in ids]

    async def _invoice_numbers(self, ids: Sequence[int]) -> list[str | None]:
        found = await billing.numbers_by_ids(self._session, ids)
        return [found.get(i) for i in ids]

    async def _applications(self, ids: Sequence[int]) -> list[Application | None]:
        found = await catalogue.applications_by_ids(self._session, ids)
        return [found.get(i) for i in ids]

    async def _users(self, ids: Sequence[int]) -> list[Users]:
        found = await users_of_applications(self._session, ids)
        return [found.get(i, NO_USERS) for i in ids]

    async def _community(self, ids: Sequence[int]) -> list[list[CommunityMember]]:
        found = await catalogue.communities_of(self._session, ids)
        return [found[i] for i in ids]

    async def _business_cases(self, ids: Sequence[int]) -> list[list[BusinessCase]]:
        found = await catalogue.business_cases_of_applications(self._session, ids)
        return [found[i] for i in ids]

    async def _applications_in_use(self, ids: Sequence[int]) -> list[list[Application]]:
        found = await usage.applications_in_use_of_members(self._session, ids)
        return [found[i] for i in ids]

    async def _derived_figures(self, ids: Sequence[int]) -> list[tuple[list[str], list[Figure]]]:
        """Per member its municipalities' codes and their figures, those a merger's successor
        takes from its predecessors included."""
        towns = await members.municipalities_of_members(self._session, ids)
        distinct = list({m.id: m for ms in towns.values() for m in ms}.values())
        by_code: dict[str, list[Figure]] = {}
        for figure in await figures_of(self._session, distinct):
            by_code.setdefault(figure.cbs_code, []).append(figure)
        result = []
        for i in ids:
            codes = [m.cbs_code for m in towns[i]]
            result.append((codes, [f for c in codes for f in by_code.get(c, [])]))
        return result

    async def _adoptions(self, ids: Sequence[int]) -> list[list[usage.AdoptionView]]:
        found = await usage.adoptions_of_members(self._session, self._actor, ids)
        return [found[i] for i in ids]

    async def _shares(self, ids: Sequence[int]) -> list[list[MemberShare]]:
        found = await shares_of_members(self._session, self._actor, ids)
        return [found[i] for i in ids]

    async def _usage(self, keys: Sequence[UsageKey]) -> list[list[tuple[UsageRecord, Application]]]:
        found: dict[UsageKey, list[tuple[UsageRecord, Application]]] = {}
        for first, last in sorted({(f, t) for _, f, t in keys}):
            ids = sorted({i for i, f, t in keys if (f, t) == (first, last)})
            rows = await usage_records.usage_of_members(
                self._session, self._actor, ids, first, last
            )
            found.update({(i, first, last): rows[i] for i in ids})
        return [found[k] for k in keys]

    async def _accounts(self, ids: Sequence[int]) -> list[BillingAccount | None]:
        found = await billing.accounts_of(self._session, ids)
        return [found.get(i) for i in ids]

    async def _credit(self, ids: Sequence[int]) -> list[int]:
        found = await billing.credit_balances(self._session, ids)
        return [found[i] for i in ids]

    async def _invoices(self, ids: Sequence[int]) -> list[list[Invoice]]:
        found = await billing_reading.invoices_of_members(self._session, self._actor, ids)
        return [found[i] for i in ids]

    async def _fee_runs(self, ids: Sequence[int]) -> list[FeeRun | None]:
        found = await fees.runs_by_ids(self._session, ids)
        return [found.get(i) for i in ids]
