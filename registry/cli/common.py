"""What every command shares: the consoles, the operator's language (texts in Dutch and
English, refusals printed with their fields and exit code 1), one transaction per command,
a read-only session, euros from cents, and options whose values are a domain enum's."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, Union

import typer
from babel.numbers import format_decimal
from rich.console import Console
from rich.markup import escape

from registry.auth.roles import Actor, system_actor
from registry.kit.errors import DomainError, Euro, ValidationFailed, shown_as
from registry.kit.labels import label
from registry.kit.language import FORMAT_LOCALES, Language, operator_language

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


T = TypeVar("T")

out = Console()
err = Console(stderr=True)


def fail(error: DomainError) -> typer.Exit:
    """Print a refusal (each field with its text, in the operator's language, and its code)
    and give the exit of code 1 to raise."""
    language = operator_language()
    if isinstance(error, ValidationFailed):
        several = say(
            "Geweigerd: {n} fout(en), er is niets gewijzigd.",
            "Refused: {n} error(s), nothing was changed.",
            n=len(error.errors),
        )
        err.print(f"[red]{several}[/red]")
        for e in error.errors:
            err.print(f"  {escape(e.field)}: {escape(e.text(language))} [dim]({e.code})[/dim]")
    else:
        one = say(
            "Geweigerd ({code}): {message}",
            "Refused ({code}): {message}",
            code=error.code,
            message=error.text(language),
        )
        err.print(f"[red]{one}[/red]")
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


def as_command(label: str, work: Callable[[AsyncSession, Actor], Awaitable[T]]) -> T:
    """Run `work` in one transaction as the command `label` (the system actor the audit log
    names): the steps every recording command takes before it says what it stored."""
    actor = system_actor(label)
    return in_transaction(lambda session: work(session, actor))


def read_as(label: str, work: Callable[[AsyncSession, Actor], Awaitable[T]]) -> T:
    """Run read-only `work` in a session of its own as the command `label`."""
    actor = system_actor(label)
    return read(lambda session: work(session, actor))


DATE = ["%Y-%m-%d"]
"""How a day is written in options: YYYY-MM-DD."""


def euro(cents: int | None) -> str:
    """Cents as euros in a table's amount column, as the operator's language writes them
    (1,234.56 or 1.234,56); empty for None."""
    if cents is None:
        return ""
    locale = FORMAT_LOCALES[operator_language()]
    return format_decimal(Decimal(cents).scaleb(-2), format="#,##0.00", locale=locale)


class Said(str):
    """A text `say` made: already in the operator's language and escaped, so a longer text
    can take it in as it is."""

    __slots__ = ()


Shown = str | int | date | Euro | Enum
"""What a text of the command line fills in: words, numbers, days, amounts and enum values."""


def say(nl: str, en: str, /, **values: Shown) -> Said:
    """A text for the person at the terminal in their language (Dutch for an nl_* locale, as
    the refusals): the Dutch or English template with `values` filled in, days and euros
    written as that language writes them and words escaped from rich's markup. The
    command line's own texts (confirmations, headings, empty lists, prompts) all go
    through here, so none is written in one language only."""
    language = operator_language()
    template = nl if language == "nl" else en
    return Said(template.format_map({name: _shown(v, language) for name, v in values.items()}))


def _shown(value: Shown, language: Language) -> str:
    if isinstance(value, Said):
        return value
    if isinstance(value, Enum):
        _declare_labels()
        return escape(shown_as(value, language))
    if isinstance(value, int):
        return str(value)
    return escape(value if isinstance(value, str) else shown_as(value, language))


def _declare_labels() -> None:
    """Declare every domain's enum labels, only when a command shows an enum value: so
    `registry --help` still imports no domain."""
    importlib.import_module("registry.labels")


def named(value: Enum) -> str:
    """An enum value in a table cell as people read it: its label in the operator's language,
    never the internal code."""
    _declare_labels()
    return escape(label(value, operator_language()))


def tell(nl: str, en: str, /, **values: Shown) -> None:
    """Print `say(nl, en, **values)` on standard output, wrapped by the terminal only."""
    out.print(say(nl, en, **values), soft_wrap=True)


def headings(*pairs: tuple[str, str]) -> list[str]:
    """A table's column headings in the operator's language, each given as (Dutch, English)."""
    return [say(nl, en) for nl, en in pairs]


class EnumChoice:
    """The values of a domain enum as an option's choices, named by the enum's dotted path
    ("registry.governance.rules:Choice") and imported only when they are needed: to convert
    or refuse a value, to complete one in the shell, or to list them in that command's
    help. `registry --help` and `registry <group> --help` thus import no domain, and the
    command receives the enum member itself.

    A command module names the enum for the type checker and this stand-in at run time:

        if TYPE_CHECKING:
            from registry.governance.rules import Choice
        else:
            Choice = EnumChoice("registry.governance.rules:Choice")

        choice: Annotated[Choice, choice_option(Choice, help="...")]
    """

    def __init__(self, path: str) -> None:
        self.path = path

    @cached_property
    def enum(self) -> type[Enum]:
        module, _, name = self.path.partition(":")
        found = getattr(importlib.import_module(module), name)
        if not (isinstance(found, type) and issubclass(found, Enum)):
            raise TypeError(f"{self.path} is not an enum")
        return found

    def values(self) -> list[str]:
        return [str(member.value) for member in self.enum]

    def __call__(self, value: object) -> Enum:
        """Convert what was typed into the member, or refuse it naming the valid values."""
        if isinstance(value, self.enum):
            return value
        try:
            return self.enum(value)
        except ValueError:
            valid = ", ".join(self.values())
            raise typer.BadParameter(
                say(
                    "{value} is geen van {valid}.",
                    "{value} is not one of {valid}.",
                    value=repr(value),
                    valid=valid,
                )
            ) from None

    def complete(self, incomplete: str) -> list[str]:
        """The values that start with what is typed so far, for shell completion."""
        return [v for v in self.values() if v.startswith(incomplete)]

    def __str__(self) -> str:
        """How the help names the option's type: the values, as for an enum."""
        return "|".join(self.values())

    def __or__(self, other: object) -> object:
        """`Choice | None` in an annotation: an option that may be left out."""
        return Union[self, other]  # noqa: UP007 (the stand-in is no type for `|`)


def choice_option(choices: EnumChoice | type[Enum], *declarations: str, **settings: Any) -> Any:
    """`typer.Option` for an option whose values are the enum's (see `EnumChoice`)."""
    lazy = choices if isinstance(choices, EnumChoice) else EnumChoice(_path_of(choices))
    return typer.Option(*declarations, parser=lazy, autocompletion=lazy.complete, **settings)


def _path_of(enum: type[Enum]) -> str:
    return f"{enum.__module__}:{enum.__qualname__}"
