"""DataLoaders, created per request, so a page of N items costs a constant number of queries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from registry.auth import repository as auth
from registry.auth.models import ApiToken
from registry.billing import repository as billing
from registry.billing.models import Settlement
from registry.catalogue import repository as catalogue
from registry.catalogue.models import Release, StandardClaim
from registry.fees import repository as fees
from registry.fees.models import FeeLine
from registry.members import repository as members
from registry.members.models import Decision, Member, Membership, Municipality, PopulationFigure

K = TypeVar("K")
V = TypeVar("V")


class Loaders:
    def __init__(self, session: AsyncSession, lock: asyncio.Lock) -> None:
        self._session = session
        self._lock = lock
        self.member_by_id = self._loader(self._members)
        self.releases = self._loader(self._releases)
        self.standards = self._loader(self._standards)
        self.municipalities_of_member = self._loader(self._municipalities)
        self.figures_of_municipality = self._loader(self._figures)
        self.tokens_of_member = self._loader(self._tokens)
        self.memberships_of_member = self._loader(self._memberships)
        self.decision_by_id = self._loader(self._decisions)
        self.contributions_of_member = self._loader(self._contributions)
        self.settlements_of_invoice = self._loader(self._settlements)
        self.invoice_number_by_id = self._loader(self._invoice_numbers)

    def clear(self) -> None:
        """Forget everything loaded so far, e.g. after a mutation changed it."""
        for loader in (
            self.member_by_id,
            self.releases,
            self.standards,
            self.municipalities_of_member,
            self.figures_of_municipality,
            self.tokens_of_member,
            self.memberships_of_member,
            self.decision_by_id,
            self.contributions_of_member,
            self.settlements_of_invoice,
            self.invoice_number_by_id,
        ):
            loader.clear_all()

    def _loader(self, fetch: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> DataLoader[K, V]:
        async def load(keys: list[K]) -> Sequence[V]:
            async with self._lock:
                return await fetch(keys)

        return DataLoader(load_fn=load)

    async def _members(self, ids: Sequence[int]) -> list[Member | None]:
        found = await members.members_by_ids(self._session, ids)
        return [found.get(i) for i in ids]

    async def _tokens(self, ids: Sequence[int]) -> list[list[ApiToken]]:
        found = await auth.tokens_of_members(self._session, ids)
        return [found[i] for i in ids]

    async def _releases(self, ids: Sequence[int]) -> list[list[Release]]:
        found = await catalogue.releases_of(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _standards(self, ids: Sequence[int]) -> list[list[StandardClaim]]:
        found = await catalogue.standards_of(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _municipalities(self, ids: Sequence[int]) -> list[list[Municipality]]:
        found = await members.municipalities_of_members(self._session, ids)
        return [found.get(i, []) for i in ids]

    async def _figures(self, ids: Sequence[int]) -> list[list[PopulationFigure]]:
        by_municipality: dict[int, list[PopulationFigure]] = {i: [] for i in ids}
        for figure in await members.figures_for(self._session, ids):
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
