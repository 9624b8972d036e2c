"""The cost tests run on the cooperative of `tests.helpers.pools`."""

from __future__ import annotations

from tests.helpers.pools import ACTOR, cooperative, pool_members

__all__ = ["ACTOR", "cooperative", "pool_members"]
