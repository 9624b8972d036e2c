"""Members: population figures (CBS) and municipal mergers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from registry.auth.roles import system_actor
from registry.cli.choices import (
    FigureStatusChoice,
)
from registry.cli.common import (
    err,
    fail,
    in_transaction,
    out,
)
from registry.kit.errors import ValidationFailed

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from registry.members.figures import ImportResult
    from registry.members.population import PopulationRow


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
        FigureStatusChoice, typer.Option(help="provisional or final.")
    ] = FigureStatusChoice.FINAL,
) -> None:
    """Import population figures from a CBS export; a bad line refuses the whole file."""
    from registry.members.figures import CBS_SOURCE, import_population
    from registry.members.models import FigureStatus
    from registry.members.population import parse_cbs_csv, parse_cbs_file, source_label

    if shipped == (path is not None):
        err.print("[red]Give either a FILE or --shipped.[/red]")
        raise typer.Exit(code=2)
    if shipped:
        from registry.members import shipped as figures

        for year in figures.SHIPPED_YEARS:
            yearly = parse_cbs_csv(figures.population_csv(year))

            async def work(
                session: AsyncSession, rows: list[PopulationRow] = yearly, year: int = year
            ) -> ImportResult:
                actor = system_actor("cli:population-import")
                return await import_population(session, actor, rows, source=figures.SOURCES[year])

            done = in_transaction(work)
            out.print(
                f"{year}: {len(yearly)} figures, {done.figures_created} new, "
                f"{done.figures_unchanged} unchanged; {done.municipalities_created} "
                "municipalities added."
            )
        return
    assert path is not None

    figure_status = FigureStatus(status)
    try:
        source = source_label(CBS_SOURCE if source is None else source)
        with path.open("rb") as file:
            rows = parse_cbs_file(file)
    except ValidationFailed as error:
        raise fail(error) from None
    except OSError as error:
        reason = escape(error.strerror or str(error))
        err.print(f"[red]Refused: cannot read {escape(str(path))}: {reason}.[/red]")
        raise typer.Exit(code=1) from None
    actor = system_actor("cli:population-import")
    result = in_transaction(
        lambda session: import_population(session, actor, rows, source=source, status=figure_status)
    )
    out.print(
        f"{len(rows)} figures read: {result.figures_created} new, "
        f"{result.figures_corrected} corrected, {result.figures_unchanged} unchanged; "
        f"{result.municipalities_created} municipalities added, "
        f"{result.municipalities_renamed} renamed."
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
    outcome = in_transaction(
        lambda session: mergers.merge(session, system_actor("cli:members-merge"), data)
    )
    out.print(
        f"{', '.join(predecessor)} continue as "
        f"{outcome.successor.cbs_code} {outcome.successor.name}."
    )
    for member in outcome.absorbed:
        successor = outcome.successor_member.code if outcome.successor_member else "-"
        out.print(f"  membership of {member.code} ended; continued by {successor}")
    for member in outcome.regrouped:
        out.print(f"  {member.code} now stands for {outcome.successor.cbs_code}")
