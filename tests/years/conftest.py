"""The year tests run on the billed cooperative of `tests.helpers.billing`."""

from tests.helpers.billing import billed, cooperative, pool_members

__all__ = ["billed", "cooperative", "pool_members"]
