"""The cooperative of the fee tests: Woerden and a GR, members since 2020."""

from tests.helpers.cooperative import cooperative

__all__ = ["cooperative"]
