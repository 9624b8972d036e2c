"""Members: population figures (CBS) and municipal mergers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from registry.cli.common import (
    EnumChoice,
    as_command,
    choice_option,
    err,
    fail,
    say,
    tell,
)
from registry.kit.errors import ValidationFailed

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from registry.auth.roles import Actor
    from registry.members.figures import ImportResult
    from registry.members.models import FigureStatus
    from registry.members.population import PopulationRow
else:  # the domain is imported when a command needs its values (see EnumChoice)
    FigureStatus = EnumChoice("registry.members.models:FigureStatus")


population_app = typer.Typer(help="Population figures (CBS).", no_args_is_help=True)
members_app = typer.Typer(help="Members and municipal mergers.", no_args_is_help=True)


@population_app.command("import")
def population_import(
    path: Annotated[
        Path | None,
        typer.Argument(exists=True, dir_okay=False, help="CSV: cbs_code,name,year,population"),
    ] = None,
    shipped: Annotated[
        bool,
        typer.Option(
            "--shipped",
            help="Import the CBS figures that ship with the registry (1 January 2020 to 2025) "
            "instead of a file, each year with its own source.",
        ),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(help="Source recorded with every figure (default: the CBS table 70072ned)."),
    ] = None,
    status: Annotated[
        FigureStatus | None,
        choice_option(FigureStatus, help="provisional or final.", show_default="final"),
    ] = None,
) -> None:
    """Import population figures from a CBS export; a bad line refuses the whole file."""
    from registry.members.figures import CBS_SOURCE, import_population
    from registry.members.models import FigureStatus
    from registry.members.population import parse_cbs_csv, parse_cbs_file, source_label

    if shipped == (path is not None):
        message = say("Geef een BESTAND of --shipped.", "Give either a FILE or --shipped.")
        err.print(f"[red]{message}[/red]")
        raise typer.Exit(code=2)
    if shipped:
        from registry.members import shipped as figures

        for year in figures.SHIPPED_YEARS:
            yearly = parse_cbs_csv(figures.population_csv(year))

            async def work(
                session: AsyncSession,
                actor: Actor,
                rows: list[PopulationRow] = yearly,
                year: int = year,
            ) -> ImportResult:
                return await import_population(session, actor, rows, source=figures.SOURCES[year])

            done = as_command("cli:population-import", work)
            tell(
                "{year}: {n} cijfers, {new} nieuw, {same} ongewijzigd; {added} gemeenten "
                "toegevoegd.",
                "{year}: {n} figures, {new} new, {same} unchanged; {added} municipalities added.",
                year=str(year),
                n=len(yearly),
                new=done.figures_created,
                same=done.figures_unchanged,
                added=done.municipalities_created,
            )
        return
    assert path is not None

    figure_status = status or FigureStatus.FINAL
    try:
        source = source_label(CBS_SOURCE if source is None else source)
        with path.open("rb") as file:
            rows = parse_cbs_file(file)
    except ValidationFailed as error:
        raise fail(error) from None
    except OSError as error:
        message = say(
            "Geweigerd: {path} is niet te lezen: {reason}.",
            "Refused: cannot read {path}: {reason}.",
            path=str(path),
            reason=error.strerror or str(error),
        )
        err.print(f"[red]{message}[/red]")
        raise typer.Exit(code=1) from None
    result = as_command(
        "cli:population-import",
        lambda session, actor: import_population(
            session, actor, rows, source=source, status=figure_status
        ),
    )
    tell(
        "{n} cijfers gelezen: {new} nieuw, {corrected} gecorrigeerd, {same} ongewijzigd; "
        "{added} gemeenten toegevoegd, {renamed} hernoemd.",
        "{n} figures read: {new} new, {corrected} corrected, {same} unchanged; "
        "{added} municipalities added, {renamed} renamed.",
        n=len(rows),
        new=result.figures_created,
        corrected=result.figures_corrected,
        same=result.figures_unchanged,
        added=result.municipalities_created,
        renamed=result.municipalities_renamed,
    )


@members_app.command("merge")
def members_merge(
    effective_date: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="1 January.")],
    successor_code: Annotated[str, typer.Option(help="CBS code of the successor (GM....).")],
    predecessor: Annotated[list[str], typer.Option(help="CBS code of a merged municipality.")],
    successor_name: Annotated[str, typer.Option(help="Name, if the successor is new.")] = "",
    successor_member: Annotated[
        str | None, typer.Option(help="Member code that continues merged member municipalities.")
    ] = None,
) -> None:
    """Record a municipal merger (herindeling) and move the members' place to the successor."""
    from registry import mergers
    from registry.members.merger import MergerInput

    data = MergerInput(
        effective_date.date(), successor_code, successor_name, tuple(predecessor), successor_member
    )
    outcome = as_command(
        "cli:members-merge", lambda session, actor: mergers.merge(session, actor, data)
    )
    tell(
        "{merged} gaan verder als {code} {name}.",
        "{merged} continue as {code} {name}.",
        merged=", ".join(predecessor),
        code=outcome.successor.cbs_code,
        name=outcome.successor.name,
    )
    for member in outcome.absorbed:
        tell(
            "  lidmaatschap van {member} beëindigd; voortgezet door {successor}",
            "  membership of {member} ended; continued by {successor}",
            member=member.code,
            successor=outcome.successor_member.code if outcome.successor_member else "-",
        )
    for member in outcome.regrouped:
        tell(
            "  {member} staat nu voor {code}",
            "  {member} now stands for {code}",
            member=member.code,
            code=outcome.successor.cbs_code,
        )
