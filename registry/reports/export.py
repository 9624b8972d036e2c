"""Exporting a report: the chosen formats into a folder, with a manifest of their hashes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.kit.errors import ValidationFailed
from registry.reports.formats import ReportWriter
from registry.reports.formats.csv import CsvWriter
from registry.reports.formats.json import JsonWriter
from registry.reports.formats.pdf import PdfWriter
from registry.reports.formats.xlsx import XlsxWriter
from registry.reports.service import (
    Prepared,
    Progress,
    file_stem,
    prepare,
    write,
    write_manifest,
)

FORMATS = ("csv", "xlsx", "pdf", "json")


def writers_for(
    formats: Iterable[str], directory: Path, stem: str, *, decimal_comma: bool = False
) -> dict[str, ReportWriter]:
    chosen = sorted(set(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValidationFailed.single(
            "formats", "unknown_format", f"choose from {', '.join(FORMATS)}"
        )
    makers: dict[str, ReportWriter] = {}
    for name in chosen:
        if name == "csv":
            makers[name] = CsvWriter(directory, stem, decimal_comma=decimal_comma)
        elif name == "xlsx":
            makers[name] = XlsxWriter(directory, stem)
        elif name == "pdf":
            makers[name] = PdfWriter(directory, stem)
        else:
            makers[name] = JsonWriter(directory, stem)
    return makers


@dataclass(frozen=True)
class Export:
    prepared: Prepared
    files: list[Path]
    manifest: Path


async def export(
    session: AsyncSession,
    actor: Actor,
    directory: Path,
    *,
    year: int,
    member_code: str | None = None,
    as_of: int | None = None,
    formats: Iterable[str] = FORMATS,
    decimal_comma: bool = False,
    progress: Progress | None = None,
) -> Export:
    """Prepare the report, write every chosen format, and the manifest beside them."""
    prepared = await prepare(session, actor, year, member_code, as_of)
    directory.mkdir(parents=True, exist_ok=True)
    writers = writers_for(
        formats, directory, file_stem(prepared.header.scope), decimal_comma=decimal_comma
    )
    files = await write(session, prepared, writers, progress)
    return Export(prepared, files, write_manifest(directory, prepared, files))
