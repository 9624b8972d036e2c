"""Cost pool pages: the pools, one pool with its runs and previews, and a member's shares.

The directie previews an allocation or settlement run and stores it; the form carries the
SHA-256 of the previewed inputs, so what is stored is what was seen. Auditors read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response
from sqlalchemy.exc import IntegrityError

from registry.auth.policy import Permission, allows
from registry.costs import reading
from registry.costs import repository as costs
from registry.costs import runs as cost_runs
from registry.costs.errors import CostsRefusal
from registry.costs.runs import RunPreview
from registry.kit.clock import today
from registry.kit.errors import FieldError, ValidationFailed, field_error
from registry.members import repository as members
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit, member_or_404
from registry.web.forms import Flash, notice_for, redirect_with
from registry.web.pages import render

NOTICE_KEY = "pool_notice"
INPUTS_FIELD = "invoer"


async def _pool_page(
    visit: Visit, code: str, *, errors: tuple[FieldError, ...] = (), status_code: int = 200
) -> Response[Any]:
    pool = await costs.pool_by_code(visit.db, code)
    if pool is None:
        raise NotFoundException(f"no cost pool '{code}'")
    view = await reading.overview(visit.db, pool)
    allocation: RunPreview | None = None
    settlements: list[RunPreview] = []
    if allows(visit.actor, Permission.COSTS_MANAGE) and not errors:
        try:
            allocation = await cost_runs.preview_allocation(visit.db, visit.actor, code, today())
            # One at a time, in the order the members joined: each builds on the previous.
            for member_code in (await cost_runs.pending_settlements(visit.db, code))[:1]:
                settlements.append(
                    await cost_runs.preview_settlement(visit.db, visit.actor, code, member_code)
                )
        except ValidationFailed as failed:
            errors = failed.errors
    names = {
        m.code: m.name
        for m in (
            await members.members_by_ids(visit.db, [p.member_id for _, p in view.participants])
        ).values()
    }
    return render(
        visit.request,
        "pools/pool.html",
        {
            "active_page": "pools",
            "view": view,
            "names": names,
            "allocation": allocation,
            "settlements": settlements,
            "errors": errors,
            "notice": notice_for(visit, NOTICE_KEY),
            "inputs_field": INPUTS_FIELD,
        },
        status_code=status_code,
    )


async def _store_as_seen(
    visit: Visit,
    code: str,
    notice: str,
    preview: Callable[[], Awaitable[RunPreview]],
    store: Callable[[], Awaitable[cost_runs.RunResult]],
) -> Response[Any]:
    """Store the run only if its inputs are those of the preview the person saw."""
    seen = (await visit.request.form()).get(INPUTS_FIELD)
    try:
        previewed = await preview()
        if previewed.empty:
            notice = "nothing"
        elif previewed.inputs_sha256 != seen:
            raise ValidationFailed.single("inputs", CostsRefusal.INPUTS_CHANGED)
        else:
            await store()
    except ValidationFailed as failed:
        await visit.db.rollback()
        return await _pool_page(visit, code, errors=failed.errors, status_code=422)
    except IntegrityError:  # another run of this pool was stored at the same moment
        await visit.db.rollback()
        conflict = field_error("run", CostsRefusal.RUN_STORED_CONCURRENTLY)
        return await _pool_page(visit, code, errors=(conflict,), status_code=409)
    return redirect_with(visit.request, Flash(NOTICE_KEY, notice, f"/kostenpotten/{code}"))


class PoolPagesController(Controller):
    path = "/"
    include_in_schema = False

    @get("/kostenpotten", name="pools", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        views = [await reading.overview(visit.db, p) for p in await costs.pools(visit.db)]
        return render(visit.request, "pools/index.html", {"active_page": "pools", "views": views})

    @get("/kostenpotten/{code:str}", name="pool", opt=audience(Permission.FINANCE_READ))
    async def pool(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _pool_page(visit, code)

    @post("/kostenpotten/{code:str}/verdelen", opt=audience(Permission.COSTS_MANAGE))
    async def allocate(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _store_as_seen(
            visit,
            code,
            "allocated",
            lambda: cost_runs.preview_allocation(visit.db, visit.actor, code, today()),
            lambda: cost_runs.run_allocation(visit.db, visit.actor, code, today(), today()),
        )

    @post("/kostenpotten/{code:str}/verrekenen/{member:str}", opt=audience(Permission.COSTS_MANAGE))
    async def settle(
        self, visit: CurrentVisit, code: FromPath[str], member: FromPath[str]
    ) -> Response[Any]:
        return await _store_as_seen(
            visit,
            code,
            "settled",
            lambda: cost_runs.preview_settlement(visit.db, visit.actor, code, member),
            lambda: cost_runs.run_settlement(visit.db, visit.actor, code, member, today()),
        )

    @get(
        "/leden/{code:str}/kosten",
        name="member-costs",
        opt=audience(Permission.MEMBER_READ_PRIVATE, member_param="code"),
    )
    async def member_costs(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        member = await member_or_404(visit.db, code)
        shares = await reading.shares_of_member(visit.db, visit.actor, member.id)
        return render(
            visit.request,
            "pools/member.html",
            {
                "member": member,
                "shares": shares,
                "totals": reading.totals_per_pool_and_year(shares),
            },
        )
