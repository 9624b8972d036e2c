"""DataLoaders, created per request, so a page of N items costs a constant number of queries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from registry.auth import repository as auth
from registry.auth.roles import Actor
from registry.billing import reading as billing_reading
from registry.billing import repository as billing
from registry.catalogue import repository as catalogue
from registry.catalogue.models import (
    Application,
)
from registry.costs.reading import shares_of_members
from registry.fees import repository as fees
from registry.members import repository as members
from registry.members.figures import figures_of
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
        self.member_by_id = self._one_each(members.members_by_ids)
        self.releases = self._many_each(catalogue.releases_of)
        self.standards = self._many_each(catalogue.standards_of)
        self.claims_of_application = self._many_each(catalogue.claims_with_standards)
        self.reference_components_of_application = self._many_each(
            catalogue.reference_components_of
        )
        self.categories_of_application = self._many_each(catalogue.categories_of)
        self.municipalities_of_member = self._many_each(members.municipalities_of_members)
        self.figures_of_municipality = self._grouped(
            members.figure_rows_for, lambda figure: figure.municipality_id
        )
        self.tokens_of_member = self._many_each(auth.tokens_of_members)
        self.memberships_of_member = self._many_each(members.memberships_of_members)
        self.decision_by_id = self._one_each(members.decisions_by_ids)
        self.contributions_of_member = self._grouped(
            fees.current_lines_of_members, lambda year_and_line: year_and_line[1].member_id
        )
        self.settlements_of_invoice = self._grouped(
            billing.settlements_of, lambda settlement: settlement.invoice_id
        )
        self.invoice_number_by_id = self._loader(self._invoice_numbers)
        self.application_by_id = self._one_each(catalogue.applications_by_ids)
        self.users_of_application = self._loader(self._users)
        self.community_of_application = self._many_each(catalogue.communities_of)
        self.interest_in_application = self._many_each(catalogue.interest_in_applications)
        self.business_cases_of_application = self._many_each(
            catalogue.business_cases_of_applications
        )
        self.applications_in_use_of_member = self._many_each(usage.applications_in_use_of_members)
        self.derived_figures_of_member = self._loader(self._derived_figures)
        self.adoptions_of_member = self._many_each(
            lambda session, ids: usage.adoptions_of_members(session, actor, ids)
        )
        self.shares_of_member = self._many_each(
            lambda session, ids: shares_of_members(session, actor, ids)
        )
        self.usage_of_member = self._loader(self._usage)
        self.account_of_member = self._one_each(billing.accounts_of)
        self.credit_of_member = self._loader(self._credit)
        self.invoices_of_member = self._many_each(
            lambda session, ids: billing_reading.invoices_of_members(session, actor, ids)
        )
        self.fee_run_by_id = self._one_each(fees.runs_by_ids)

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

    def _one_each(
        self, fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[Mapping[int, V]]]
    ) -> DataLoader[int, V | None]:
        """A loader over a query that finds at most one record per id (a dict by id): each
        id's record in the order asked, None for an id it did not find."""

        async def each(ids: Sequence[int]) -> list[V | None]:
            found = await fetch(self._session, ids)
            return [found.get(i) for i in ids]

        return self._loader(each)

    def _many_each(
        self, fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[Mapping[int, list[V]]]]
    ) -> DataLoader[int, list[V]]:
        """A loader over a query that finds the rows of many parents at once (a dict of lists
        by parent id): each id's rows in the order asked, none for an id it did not find."""

        async def each(ids: Sequence[int]) -> list[list[V]]:
            found = await fetch(self._session, ids)
            return [found.get(i, []) for i in ids]

        return self._loader(each)

    def _grouped(
        self,
        fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[Iterable[V]]],
        parent: Callable[[V], int],
    ) -> DataLoader[int, list[V]]:
        """A loader over a query that answers the rows of many parents in one list: each id's
        rows (those whose `parent` it is) in the order asked, each in the query's order."""

        async def each(ids: Sequence[int]) -> list[list[V]]:
            by_parent: dict[int, list[V]] = {i: [] for i in ids}
            for row in await fetch(self._session, ids):
                by_parent[parent(row)].append(row)
            return [by_parent[i] for i in ids]

        return self._loader(each)

    async def _invoice_numbers(self, ids: Sequence[int]) -> list[str | None]:
        found = await billing.numbers_by_ids(self._session, ids)
        return [found.get(i) for i in ids]

    async def _users(self, ids: Sequence[int]) -> list[Users]:
        found = await users_of_applications(self._session, ids)
        return [found.get(i, NO_USERS) for i in ids]

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

    async def _usage(self, keys: Sequence[UsageKey]) -> list[list[tuple[UsageRecord, Application]]]:
        found: dict[UsageKey, list[tuple[UsageRecord, Application]]] = {}
        for first, last in sorted({(f, t) for _, f, t in keys}):
            ids = sorted({i for i, f, t in keys if (f, t) == (first, last)})
            rows = await usage_records.usage_of_members(
                self._session, self._actor, ids, first, last
            )
            found.update({(i, first, last): rows[i] for i in ids})
        return [found[k] for k in keys]

    async def _credit(self, ids: Sequence[int]) -> list[int]:
        found = await billing.credit_balances(self._session, ids)
        return [found[i] for i in ids]
