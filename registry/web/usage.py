"""A member's applications and usage: adopt, move through the lifecycle, report usage.

Member users see and report usage; member admins (and the directie) adopt and advance.
A refused form shows every broken rule by field and stores nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Response

from registry.auth.policy import Permission, allows
from registry.catalogue import repository as catalogue
from registry.kit.clock import today
from registry.kit.errors import DomainError, FieldError, ValidationFailed
from registry.members.models import Member
from registry.usage import adoptions, tariffs
from registry.usage import records as usage_records
from registry.usage.errors import UsageRefusal
from registry.usage.models import AdoptionStage, Metric
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit, member_or_404
from registry.web.forms import Flash, iso_date, notice_for, posted, submit
from registry.web.pages import render

NOTICE_KEY = "usage_notice"


async def _page(
    visit: Visit,
    member: Member,
    *,
    errors: tuple[FieldError, ...] = (),
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response[Any]:
    day = today()
    first = date(day.year - 1, day.month, 1)
    views = await adoptions.adoptions_of(visit.db, visit.actor, member.id)
    records = await usage_records.usage_of(visit.db, visit.actor, member.id, first, day)
    fees = await tariffs.usage_fee_preview(
        visit.db, visit.actor, member.code, f"{day.year}-01", day.strftime("%Y-%m")
    )
    applications = await catalogue.list_all(visit.db)
    return render(
        visit.request,
        "usage/member.html",
        {
            "active_page": "mine" if member.id in visit.actor.member_ids else None,
            "member": member,
            "adoptions": views,
            "records": records,
            "fees": fees,
            "fees_total": sum(line.amount for line in fees),
            "applications": applications,
            "stages": list(AdoptionStage),
            "metrics": list(Metric),
            "may_adopt": allows(visit.actor, Permission.ADOPTION_MANAGE, member.id),
            "may_report": allows(visit.actor, Permission.USAGE_WRITE, member.id),
            "errors": errors,
            "form": form or {},
            "notice": notice_for(visit, NOTICE_KEY),
            "today": day,
        },
        status_code=status_code,
    )


class UsagePagesController(Controller):
    path = "/leden/{code:str}/gebruik"
    include_in_schema = False

    @get(
        "/", name="member-usage", opt=audience(Permission.MEMBER_READ_PRIVATE, member_param="code")
    )
    async def show(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _page(visit, await member_or_404(visit.db, code))

    async def _change(
        self,
        visit: Visit,
        code: str,
        notice: str,
        work: Callable[[Member, dict[str, str]], Awaitable[None]],
    ) -> Response[Any]:
        member = await member_or_404(visit.db, code)
        form = await posted(visit.request)

        async def again(errors: tuple[FieldError, ...]) -> Response[Any]:
            member = await member_or_404(visit.db, code)  # reloaded: the rollback expired it
            return await _page(visit, member, errors=errors, form=form, status_code=422)

        return await submit(
            visit,
            lambda: work(member, form),
            lambda _: Flash(NOTICE_KEY, notice, f"/leden/{code}/gebruik"),
            again,
            refused=DomainError,
        )

    @post("/adopteren", opt=audience(Permission.ADOPTION_MANAGE, member_param="code"))
    async def adopt(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        async def work(member: Member, form: dict[str, str]) -> None:
            data = adoptions.AdoptionInput(
                member.code,
                form.get("application", ""),
                iso_date(
                    form.get("acquisition_on", ""), "acquisitionOn", UsageRefusal.INVALID_DATE
                ),
                form.get("module", ""),
                form.get("version", ""),
                form.get("contact_name", ""),
                form.get("contact_email", ""),
            )
            await adoptions.adopt(visit.db, visit.actor, data, today())

        return await self._change(visit, code, "adopted", work)

    @post("/{adoption:int}/fase", opt=audience(Permission.ADOPTION_MANAGE, member_param="code"))
    async def advance(
        self, visit: CurrentVisit, code: FromPath[str], adoption: FromPath[int]
    ) -> Response[Any]:
        async def work(member: Member, form: dict[str, str]) -> None:
            try:
                stage = AdoptionStage(form.get("stage", ""))
            except ValueError:
                raise ValidationFailed.single("stage", UsageRefusal.UNKNOWN_STAGE) from None
            on = iso_date(form.get("on", ""), "date", UsageRefusal.INVALID_DATE)
            await adoptions.advance(
                visit.db, visit.actor, adoption, stage, on, today(), member.code
            )

        return await self._change(visit, code, "advanced", work)

    @post("/registreren", opt=audience(Permission.USAGE_WRITE, member_param="code"))
    async def report(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        async def work(member: Member, form: dict[str, str]) -> None:
            item = usage_records.UsageInput(
                member.code,
                form.get("application", ""),
                form.get("period", ""),
                form.get("metric", ""),
                form.get("quantity", ""),
            )
            await usage_records.record_usage(visit.db, visit.actor, [item])

        return await self._change(visit, code, "recorded", work)
