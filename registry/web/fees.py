"""Contribution pages: the rates and stored fee runs per year, and the run with its preview.

Auditors and the directie read; only the directie previews and stores a run. A run is stored
only when its inputs are the ones the preview showed, so what is stored is what was seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.fees import repository as fees
from registry.fees.contribution import Contribution, Difference
from registry.fees.models import FeeRun
from registry.fees.service import MAX_YEAR, MIN_YEAR, FeeRunPreview, preview_fee_run, run_fees
from registry.kit.errors import FieldError, ValidationFailed
from registry.members import repository as members
from registry.members.models import Member
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import Flash, redirect_with
from registry.web.pages import render

NOTICE_KEY = "fee_run_notice"
"""Session key of the message shown once after storing a run (or finding nothing to store)."""
INPUTS_FIELD = "invoer"
"""Form field with the SHA-256 of the inputs the directie saw in the preview."""

Problem = Literal["changed", "concurrent"]
"""Why nothing was stored: the inputs changed since the preview, or another run won the race."""


def _checked(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise NotFoundException(f"no contribution year {year}")
    return year


async def _members_by_codes(db_session: AsyncSession, codes: Sequence[str]) -> dict[str, Member]:
    ids = await members.member_ids_by_codes(db_session, sorted(set(codes)))
    found = await members.members_by_ids(db_session, sorted(ids.values()))
    return {m.code: m for m in found.values()}


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """A membership in the preview: its line as it would be stored, and the change."""

    difference: Difference
    line: Contribution | None
    """None when the membership was in the latest run but no longer counts."""


def _preview_rows(preview: FeeRunPreview) -> list[PreviewRow]:
    lines = {(line.member_code, line.membership_id): line for line in preview.lines}
    return [PreviewRow(d, lines.get((d.member_code, d.membership_id))) for d in preview.differences]


def _sources(preview: FeeRunPreview) -> list[str]:
    """Where the preview's population figures come from, each source once."""
    return sorted({f.source for line in preview.lines for f in line.population.inhabitants.figures})


async def _year_page(
    visit: Visit,
    year: int,
    *,
    notice: dict[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
    problem: Problem | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """The year's rate and stored runs; for the directie also the preview and the run form."""
    rate = await fees.rate_for(visit.db, year)
    decision = None
    if rate is not None:
        decision = (await members.decisions_by_ids(visit.db, [rate.decision_id]))[rate.decision_id]
    runs = await fees.runs(visit.db, year)
    preview = None
    if allows(visit.actor, Permission.FEES_MANAGE) and not errors:
        try:
            preview = await preview_fee_run(visit.db, visit.actor, year)
        except ValidationFailed as failed:
            errors = failed.errors
    codes = [line.member_code for run in runs[:1] for line in run.lines]
    if preview is not None:
        codes += [d.member_code for d in preview.differences]
    return render(
        visit.request,
        "fees/year.html",
        {
            "active_page": "fees",
            "year": year,
            "rate": rate,
            "decision": decision,
            "runs": runs,
            "preview": preview,
            "preview_rows": _preview_rows(preview) if preview else [],
            "sources": _sources(preview) if preview else [],
            "names": await _members_by_codes(visit.db, codes),
            "errors": errors,
            "problem": problem,
            "notice": notice,
            "inputs_field": INPUTS_FIELD,
        },
        status_code=status_code,
    )


class FeePagesController(Controller):
    path = "/contributie"
    include_in_schema = False

    @get("/", name="fees", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        """`visit` (not only the session) so that the header links to what its person may open."""
        rates = await fees.rates(visit.db)
        decisions = await members.decisions_by_ids(visit.db, [r.decision_id for r in rates])
        runs = await fees.runs(visit.db)
        latest: dict[int, FeeRun] = {}
        for run in runs:  # newest first
            latest.setdefault(run.year, run)
        return render(
            visit.request,
            "fees/index.html",
            {
                "active_page": "fees",
                "years": [(r, decisions[r.decision_id], latest.get(r.year)) for r in rates],
            },
        )

    @get("/{year:int}", name="fee-year", opt=audience(Permission.FINANCE_READ))
    async def year(self, visit: CurrentVisit, year: FromPath[int]) -> Response[Any]:
        notice = visit.request.session.pop(NOTICE_KEY, None)
        return await _year_page(
            visit,
            _checked(year),
            notice=notice if isinstance(notice, dict) and notice.get("year") == year else None,
        )

    @post("/{year:int}", name="fee-run", opt=audience(Permission.FEES_MANAGE))
    async def run(self, visit: CurrentVisit, year: FromPath[int]) -> Response[Any]:
        _checked(year)
        seen = (await visit.request.form()).get(INPUTS_FIELD)
        try:
            result = await run_fees(visit.db, visit.actor, year)
        except ValidationFailed as failed:
            await visit.db.rollback()
            return await _year_page(visit, year, errors=failed.errors, status_code=422)
        except IntegrityError:  # another run of the year was stored at the same moment
            await visit.db.rollback()
            return await _year_page(visit, year, problem="concurrent", status_code=409)
        if result.run.inputs_sha256 != seen:
            await visit.db.rollback()
            return await _year_page(visit, year, problem="changed", status_code=409)
        return redirect_with(
            visit.request,
            Flash(
                NOTICE_KEY,
                {
                    "year": year,
                    "sequence": result.run.sequence,
                    "created": result.created,
                },
                f"/contributie/{year}",
            ),
        )
