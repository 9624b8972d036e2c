"""The membership tests run on the small cooperative of `tests.helpers.cooperative`."""

from __future__ import annotations

from tests.helpers.cooperative import cooperative

__all__ = ["cooperative"]
