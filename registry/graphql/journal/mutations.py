"""Exporting the journal of a year (directie and auditors); every export is audited."""

from __future__ import annotations

import strawberry

from registry.auth.policy import Permission
from registry.graphql.context import Info
from registry.graphql.journal.types import JournalExport, JournalExportPayload
from registry.graphql.mutating import mutate
from registry.graphql.permissions import mutation
from registry.journal.service import export_journal
from registry.kit.clock import today
from registry.kit.language import Language


@strawberry.type
class JournalMutation:
    @mutation(
        Permission.JOURNAL_EXPORT,
        "The journal of a year for the accountant: every invoice, credit note, payment and "
        "refund as balanced double-entry lines on the chart of accounts, as a csv or xaf "
        "(XML Auditfile Financieel 3.2) file and as entries. Recorded in the audit log.",
    )
    async def journal_export(
        self, info: Info, year: int, format: str, language: str = "nl"
    ) -> JournalExportPayload:
        chosen: Language = "en" if language == "en" else "nl"
        return await mutate(
            info,
            JournalExportPayload,
            lambda session: export_journal(
                session,
                info.context.actor,
                year,
                format,
                info.context.settings,
                today=today(),
                language=chosen,
            ),
            lambda exported: JournalExportPayload(
                export=JournalExport.of(exported, year, format, chosen)
            ),
        )
