"""The outbox for the directie: every message the registry queued, its status and the
server's last answer, and one message with its attachments. Also how `make run` shows sent
mail without an SMTP server: the messages wait here."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from registry.auth.policy import Permission
from registry.billing.attachments import attachment_bytes
from registry.messages import outbox
from registry.web.access import audience
from registry.web.audit_log import local_time
from registry.web.deps import CurrentVisit
from registry.web.pages import attachment, render


class OutboxPagesController(Controller):
    path = "/berichten"
    include_in_schema = False

    @get("/", name="outbox", opt=audience(Permission.BILLING_MANAGE))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return render(
            visit.request,
            "messages/index.html",
            {
                "active_page": "outbox",
                "local_time": local_time,
                "messages": await outbox.outbox(visit.db, visit.actor),
                "limit": outbox.OUTBOX_PAGE,
                "smtp_configured": visit.settings.smtp_host is not None,
            },
        )

    @get("/{message_id:int}", opt=audience(Permission.BILLING_MANAGE))
    async def show(self, visit: CurrentVisit, message_id: FromPath[int]) -> Response[Any]:
        return render(
            visit.request,
            "messages/show.html",
            {
                "active_page": "outbox",
                "local_time": local_time,
                "message": await outbox.message(visit.db, visit.actor, message_id),
            },
        )

    @get("/{message_id:int}/bijlagen/{position:int}", opt=audience(Permission.BILLING_MANAGE))
    async def attachment(
        self, visit: CurrentVisit, message_id: FromPath[int], position: FromPath[int]
    ) -> Response[bytes]:
        message = await outbox.message(visit.db, visit.actor, message_id)
        found = next((a for a in message.attachments if a.position == position), None)
        if found is None:
            raise NotFoundException(f"message {message_id} has no attachment {position}")
        content = found.content
        if content is None:
            assert found.source is not None
            content = await attachment_bytes(visit.db, visit.settings, found.source)
        return attachment(content, found.media_type, found.filename)
