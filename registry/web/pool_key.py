"""Changing a cost pool's allocation key from its admin page (`/kostenpotten/{code}/beheer`).

Writes through `change_key`, the service of the GraphQL mutation `costPoolKeyChange`; what the
domain refuses is shown next to its field on the admin page, with what was typed.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from registry.auth.policy import Permission
from registry.costs import repository as costs
from registry.costs.errors import CostsRefusal
from registry.costs.pools import KeyInput, change_key
from registry.costs.sharing import AllocationKey
from registry.kit.errors import FieldError
from registry.web.access import audience
from registry.web.deps import CurrentVisit
from registry.web.forms import Flash, chosen, form_values, parse_date, shown_again, submit
from registry.web.pool_admin import NOTICE_KEY, USAGE_KEY_FIELDS, admin_page, usage_key

KEY_FIELDS = ("sleutel", "peildatum", "betaler", *USAGE_KEY_FIELDS)


class PoolKeyController(Controller):
    path = "/kostenpotten"
    include_in_schema = False

    @post("/{code:str}/beheer/sleutel", name="pool-key", opt=audience(Permission.COSTS_MANAGE))
    async def change(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        if await costs.pool_by_code(visit.db, code) is None:
            raise NotFoundException(f"no cost pool {code}")
        values = await form_values(visit.request, *KEY_FIELDS)
        errors: list[FieldError] = []
        reference = parse_date(
            values, "peildatum", "referenceDate", CostsRefusal.INVALID_DATE, errors, required=False
        )
        metric, usage_from, usage_to = usage_key(values, errors)
        key = chosen(values["sleutel"], AllocationKey.INHABITANTS)
        values["sleutel"] = key.value
        store = None
        if not errors:
            data = KeyInput(
                key=key,
                reference_date=reference,
                single_payer=values["betaler"] or None,
                usage_metric=metric,
                usage_from=usage_from,
                usage_to=usage_to,
            )
            store = partial(change_key, visit.db, visit.actor, code, data)
        return await submit(
            visit,
            store,
            lambda _: Flash(NOTICE_KEY, "key", f"/kostenpotten/{code}/beheer"),
            shown_again(admin_page, visit, code, form="key", values=values),
            errors=errors,
        )
