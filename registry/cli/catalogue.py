"""The catalogue: publiccode.yml files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from registry.auth.roles import system_actor
from registry.cli.common import (
    in_transaction,
    out,
)
from registry.kit.language import operator_language

publiccode_app = typer.Typer(help="publiccode.yml files: validate, import.", no_args_is_help=True)


@publiccode_app.command("validate")
def publiccode_validate(
    paths: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Files.")],
) -> None:
    """Validate publiccode.yml files (0.2 to 0.4.x); exit 0 when all are valid, 1 otherwise."""
    from registry.catalogue.publiccode import validate

    language = operator_language()
    valid = True
    for path in paths:
        report = validate(path.read_bytes())
        valid = valid and report.valid
        state = "[green]valid[/green]" if report.valid else "[red]invalid[/red]"
        version = f" (publiccode.yml {report.version})" if report.version else ""
        out.print(f"{escape(str(path))}: {state}{version}", soft_wrap=True)
        for error in report.errors:
            out.print(f"  [red]error[/red] {escape(error.text(language))}", soft_wrap=True)
        for warning in report.warnings:
            out.print(
                f"  [yellow]warning[/yellow] {escape(warning.text(language))}", soft_wrap=True
            )
    if not valid:
        raise typer.Exit(code=1)


@publiccode_app.command("import")
def publiccode_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="publiccode.yml")],
    slug: Annotated[
        str | None,
        typer.Option(help="Application to create or update (default: from landingURL or name)."),
    ] = None,
    preview: Annotated[bool, typer.Option(help="Only show what would change.")] = False,
) -> None:
    """Create or update an application from a valid publiccode.yml; shows what changes."""
    from registry.catalogue.publiccode_import import import_publiccode

    source = path.read_bytes()
    actor = system_actor("cli:publiccode-import")
    result = in_transaction(
        lambda session: import_publiccode(session, actor, source, slug=slug, store=not preview)
    )
    action = "new application" if result.creating else "application"
    out.print(f"{action} {result.slug}: {len(result.changes)} change(s)", soft_wrap=True)
    for change in result.changes:
        out.print(
            f"  {change.field}: {escape(change.before)!r} -> {escape(change.after)!r}",
            soft_wrap=True,
        )
    for warning in result.warnings:
        out.print(f"  [yellow]warning[/yellow] {escape(warning.text('en'))}", soft_wrap=True)
    if result.stored:
        out.print("Stored.")
    elif preview:
        out.print("Preview: nothing was stored.")
    else:
        out.print("Nothing to change.")
