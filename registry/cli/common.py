"""What every command shares: the consoles, the operator's language, refusals printed
with their fields and exit code 1, one transaction per command, a read-only session, and
euros from cents."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from registry.kit.errors import DomainError, ValidationFailed
from registry.kit.language import Language, operator_language

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


T = TypeVar("T")

out = Console()
err = Console(stderr=True)


_REFUSED: Mapping[Language, tuple[str, str]] = {
    "nl": ("Geweigerd: {n} fout(en), er is niets gewijzigd.", "Geweigerd ({code}): {message}"),
    "en": ("Refused: {n} error(s), nothing was changed.", "Refused ({code}): {message}"),
}


def fail(error: DomainError) -> typer.Exit:
    """Print a refusal (each field with its text, in the operator's language, and its code)
    and give the exit of code 1 to raise."""
    language = operator_language()
    several, one = _REFUSED[language]
    if isinstance(error, ValidationFailed):
        err.print(f"[red]{several.format(n=len(error.errors))}[/red]")
        for e in error.errors:
            err.print(f"  {escape(e.field)}: {escape(e.text(language))} [dim]({e.code})[/dim]")
    else:
        message = escape(error.text(language))
        err.print(f"[red]{one.format(code=error.code, message=message)}[/red]")
    return typer.Exit(code=1)


Opener = Callable[["async_sessionmaker[AsyncSession]"], AbstractAsyncContextManager["AsyncSession"]]
"""How a command opens its session from the factory: a transaction, or a plain session."""


def _run(work: Callable[[AsyncSession], Awaitable[T]], opener: Opener) -> T:
    """Run `work` in the session `opener` opens, on an engine of the command's own (a command
    has no service around it), and print a refusal as `fail` does: one place for both kinds
    of session."""
    from registry.db import create_engine, create_session_factory
    from registry.settings import get_settings

    async def run() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with opener(create_session_factory(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DomainError as error:
        raise fail(error) from None


def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction: all of it is stored, or none of it."""
    from registry.db import transaction

    return _run(work, transaction)


def read(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run read-only `work` in a session of its own."""
    return _run(work, lambda factory: factory())


DATE = ["%Y-%m-%d"]
"""How a day is written in options: YYYY-MM-DD."""


def euro(cents: int | None) -> str:
    """Cents as euros with thousands separators (1,234.56); empty for None."""
    from registry.kit.money import to_euro

    return "" if cents is None else f"{to_euro(cents):,}"
