"""Exporting a report: the chosen formats into a folder, with a manifest of their hashes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.kit.errors import ValidationFailed
from registry.kit.language import Language
from registry.reports.errors import ReportsRefusal
from registry.reports.formats import ReportWriter
from registry.reports.formats.registry import WRITERS, make_writer
from registry.reports.service import (
    Prepared,
    Progress,
    file_stem,
    prepare,
    write,
    write_manifest,
)

FORMATS = tuple(WRITERS)


def chosen_formats(formats: Iterable[str]) -> list[str]:
    """The formats asked for, each once; refused when none or an unknown one is asked for."""
    chosen = sorted(set(formats))
    if not chosen or any(f not in WRITERS for f in chosen):
        raise ValidationFailed.single(
            "formats", ReportsRefusal.UNKNOWN_FORMAT, formats=", ".join(FORMATS)
        )
    return chosen


def writers_for(
    formats: Iterable[str],
    directory: Path,
    stem: str,
    *,
    decimal_comma: bool = False,
    language: Language = "nl",
) -> dict[str, ReportWriter]:
    return {
        name: make_writer(name, directory, stem, language=language, decimal_comma=decimal_comma)
        for name in chosen_formats(formats)
    }


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
    language: Language = "nl",
    progress: Progress | None = None,
) -> Export:
    """Prepare the report, write every chosen format, and the manifest beside them."""
    prepared = await prepare(session, actor, year, member_code, as_of)
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    writers = writers_for(
        formats,
        directory,
        file_stem(prepared.header.scope),
        decimal_comma=decimal_comma,
        language=language,
    )
    files = await write(session, prepared, writers, progress)
    return Export(prepared, files, write_manifest(directory, prepared, files))
