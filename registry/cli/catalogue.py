"""The catalogue: publiccode.yml files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from registry.cli.common import as_command, out, say, tell
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
        if report.valid:
            state = say("[green]geldig[/green]", "[green]valid[/green]")
        else:
            state = say("[red]ongeldig[/red]", "[red]invalid[/red]")
        version = f" (publiccode.yml {report.version})" if report.version else ""
        tell(
            "{path}: {state}{version}",
            "{path}: {state}{version}",
            path=str(path),
            state=state,
            version=version,
        )
        for error in report.errors:
            tell("  [red]fout[/red] {text}", "  [red]error[/red] {text}", text=error.text(language))
        for warning in report.warnings:
            _warn(warning.text(language))
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
    result = as_command(
        "cli:publiccode-import",
        lambda session, actor: import_publiccode(
            session, actor, source, slug=slug, store=not preview
        ),
    )
    if result.creating:
        tell(
            "nieuwe applicatie {slug}: {n} wijziging(en)",
            "new application {slug}: {n} change(s)",
            slug=result.slug,
            n=len(result.changes),
        )
    else:
        tell(
            "applicatie {slug}: {n} wijziging(en)",
            "application {slug}: {n} change(s)",
            slug=result.slug,
            n=len(result.changes),
        )
    for change in result.changes:
        out.print(
            f"  {change.field}: {escape(change.before)!r} -> {escape(change.after)!r}",
            soft_wrap=True,
        )
    for warning in result.warnings:
        _warn(warning.text(operator_language()))
    if result.stored:
        tell("Vastgelegd.", "Stored.")
    elif preview:
        tell("Voorbeeld: er is niets vastgelegd.", "Preview: nothing was stored.")
    else:
        tell("Niets te wijzigen.", "Nothing to change.")


def _warn(text: str) -> None:
    tell("  [yellow]waarschuwing[/yellow] {text}", "  [yellow]warning[/yellow] {text}", text=text)
