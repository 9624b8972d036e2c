"""The fee tests run on the small cooperative of `tests.helpers.cooperative`."""

from __future__ import annotations

from tests.helpers.cooperative import ACTOR, CODES, admit_member, cooperative, lines_by_member

__all__ = ["ACTOR", "CODES", "admit_member", "cooperative", "lines_by_member"]
