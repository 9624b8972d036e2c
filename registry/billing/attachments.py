"""The files an invoice's e-mail carries, made again from the issued invoice when the
message is sent or shown (its outbox attachment holds only the reference)."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.delivery import PDF, UBL
from registry.billing.operations import find_invoice
from registry.billing.reading import document_of
from registry.settings import Settings


async def attachment_bytes(session: AsyncSession, settings: Settings, source: str) -> bytes:
    """An invoice's PDF or UBL again, from what was fixed when it was issued."""
    kind, _, ident = source.partition(":")
    if kind not in (PDF, UBL) or not ident.isdigit():
        raise LookupError(f"no attachment {source}")
    invoice = await find_invoice(session, int(ident))
    document = await document_of(session, invoice, settings)
    if kind == PDF:
        from registry.billing.pdf import to_pdf  # reportlab only when a PDF is made

        return await asyncio.to_thread(to_pdf, document)  # rendering is CPU work
    from registry.billing.ubl import to_ubl

    return await asyncio.to_thread(to_ubl, document)
