"""Bank statements for the directie (and, to read, the auditor): import a camt.053 or MT940
file, the statements and their lines, and the review queue where a waiting line is matched to
an invoice, split over invoices or marked unrelated."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from registry.auth.policy import Permission, allows
from registry.bank import service
from registry.bank.errors import BankRefusal
from registry.kit.clock import today
from registry.kit.errors import Conflict, FieldError, NotFound, Phrase, ValidationFailed
from registry.settings import Settings
from registry.web.access import audience
from registry.web.audit_log import local_time
from registry.web.deps import AnyRequest, CurrentVisit, Visit
from registry.web.forms import Flash, posted, shown_again, submit
from registry.web.pages import render

NOTICE_KEY = "bank_notice"
SPLIT_ROWS = 3
"""Rows of the split form; more parts through the API."""


_DEFAULT_MAX: int = Settings.model_fields["bank_statement_max_bytes"].default
"""The page takes files up to the default limit; a larger setting applies to the CLI and API."""


def _max_body(request_limit: int) -> int:
    return request_limit + 64 * 1024  # the file plus the form around it


def _notice(request: AnyRequest) -> Any:
    return request.session.pop(NOTICE_KEY, None)


class BankPagesController(Controller):
    path = "/bank"
    include_in_schema = False

    async def _index(
        self,
        visit: Visit,
        errors: tuple[FieldError, ...] = (),
        form: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response[Any]:
        settings = visit.settings
        return render(
            visit.request,
            "bank/index.html",
            {
                "active_page": "bank",
                "statements": await service.statements(visit.db, visit.actor),
                "waiting": len(await service.queue(visit.db, visit.actor)),
                "can_manage": allows(visit.actor, Permission.BILLING_MANAGE),
                "max_bytes": settings.bank_statement_max_bytes,
                "errors": errors,
                "form": form or {},
                "notice": _notice(visit.request) if not errors else None,
                "local_time": local_time,
            },
            status_code=status_code,
        )

    @get("/", name="bank", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await self._index(visit)

    @post(
        "/inlezen",
        opt=audience(Permission.BILLING_MANAGE),
        request_max_body_size=_max_body(_DEFAULT_MAX),
    )
    async def upload(self, visit: CurrentVisit) -> Response[Any]:
        settings = visit.settings
        form = await visit.request.form()
        upload = form.get("bestand")
        data = b""
        errors: tuple[FieldError, ...] = ()
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(settings.bank_statement_max_bytes + 1)
        else:
            errors = (FieldError("file", Phrase(BankRefusal.EMPTY_FILE)),)

        def summary(result: service.ImportSummary) -> Flash:
            return Flash(
                NOTICE_KEY,
                {
                    "statements": result.statements,
                    "known": result.already_imported,
                    "lines": result.lines,
                    "new": result.new_lines,
                    "matched": result.matched,
                    "waiting": result.waiting,
                },
                "/bank",
            )

        return await submit(
            visit,
            lambda: service.import_file(visit.db, visit.actor, data, settings, today()),
            summary,
            shown_again(self._index, visit),
            errors=errors,
        )

    @post("/rekeningen", opt=audience(Permission.BILLING_MANAGE))
    async def add_account(self, visit: CurrentVisit) -> Response[Any]:
        form = await posted(visit.request)
        return await submit(
            visit,
            lambda: service.add_account(
                visit.db, visit.actor, form.get("member", ""), form.get("iban", "")
            ),
            lambda account: Flash(NOTICE_KEY, {"account": account.iban}, "/bank"),
            shown_again(self._index, visit, form=form),
        )

    @get("/afschriften/{statement_id:int}", opt=audience(Permission.FINANCE_READ))
    async def statement(self, visit: CurrentVisit, statement_id: FromPath[int]) -> Response[Any]:
        try:
            found = await service.statement(visit.db, visit.actor, statement_id)
        except NotFound:
            raise NotFoundException(f"no statement {statement_id}") from None
        return render(
            visit.request,
            "bank/statement.html",
            {
                "active_page": "bank",
                "statement": found,
                "entries": await service.entries_of(visit.db, visit.actor, statement_id),
                "local_time": local_time,
            },
        )

    async def _queue(
        self,
        visit: Visit,
        errors: tuple[FieldError, ...] = (),
        failed: int | None = None,
        form: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response[Any]:
        return render(
            visit.request,
            "bank/queue.html",
            {
                "active_page": "bank",
                "entries": await service.queue(visit.db, visit.actor),
                "choices": await service.choices(visit.db, visit.actor),
                "can_manage": allows(visit.actor, Permission.BILLING_MANAGE),
                "errors": errors,
                "failed": failed,
                "form": form or {},
                "split_rows": SPLIT_ROWS,
                "notice": _notice(visit.request) if not errors else None,
            },
            status_code=status_code,
        )

    async def _on_entry(
        self,
        visit: Visit,
        entry_id: int,
        form: dict[str, str],
        store: Callable[[], Awaitable[object]],
        notice: str,
    ) -> Response[Any]:
        """A form on a line of the queue: stored, back to the queue with `notice`; refused
        (or taken by someone else meanwhile), the queue with that line's form as typed; no
        such line, a 404."""
        return await submit(
            visit,
            store,
            lambda _: Flash(NOTICE_KEY, notice, "/bank/wachtrij"),
            shown_again(self._queue, visit, failed=entry_id, form=form),
            refused=(ValidationFailed, Conflict),
            missing_is_404=True,
        )

    @get("/wachtrij", name="bank-queue", opt=audience(Permission.FINANCE_READ))
    async def queue(self, visit: CurrentVisit) -> Response[Any]:
        return await self._queue(visit)

    @post("/boekingen/{entry_id:int}/koppelen", opt=audience(Permission.BILLING_MANAGE))
    async def match(self, visit: CurrentVisit, entry_id: FromPath[int]) -> Response[Any]:
        form = await posted(visit.request)
        return await self._on_entry(
            visit,
            entry_id,
            form,
            lambda: service.match_entry(
                visit.db, visit.actor, entry_id, form.get("invoice", ""), today()
            ),
            "matched",
        )

    @post("/boekingen/{entry_id:int}/verdelen", opt=audience(Permission.BILLING_MANAGE))
    async def split(self, visit: CurrentVisit, entry_id: FromPath[int]) -> Response[Any]:
        form = await posted(visit.request)
        parts = [
            service.Part(form.get(f"invoice_{i}", ""), form.get(f"amount_{i}", ""))
            for i in range(SPLIT_ROWS)
        ]
        return await self._on_entry(
            visit,
            entry_id,
            form,
            lambda: service.split_entry(visit.db, visit.actor, entry_id, parts, today()),
            "split",
        )

    @post("/boekingen/{entry_id:int}/los", opt=audience(Permission.BILLING_MANAGE))
    async def unrelated(self, visit: CurrentVisit, entry_id: FromPath[int]) -> Response[Any]:
        form = await posted(visit.request)
        return await self._on_entry(
            visit,
            entry_id,
            form,
            lambda: service.mark_unrelated(visit.db, visit.actor, entry_id, form.get("reason", "")),
            "unrelated",
        )
