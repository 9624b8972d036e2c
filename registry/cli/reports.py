"""Reports for auditors and the RvC."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from registry.cli.common import as_command, err, out, read_as, say, tell

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from registry.auth.roles import Actor
    from registry.reports.export import Export


report_app = typer.Typer(help="Reports for auditors.", no_args_is_help=True)


@report_app.command("contributions")
def report_contributions(
    year: Annotated[int, typer.Option(help="The year the report is about.")],
    member: Annotated[str | None, typer.Option(help="Only this member.")] = None,
    as_of: Annotated[
        int | None,
        typer.Option(
            help="Audit event the report reflects (default: the latest); reproduces "
            "an earlier report byte for byte."
        ),
    ] = None,
    report_format: Annotated[
        list[str] | None, typer.Option("--format", help="csv, xlsx, pdf, json (repeatable).")
    ] = None,
    decimal_comma: Annotated[
        bool, typer.Option(help="CSV amounts with a decimal comma (1234,56).")
    ] = False,
    language: Annotated[
        str,
        typer.Option(help="Language of the labels and findings in CSV, XLSX and PDF: nl or en."),
    ] = "nl",
    output: Annotated[Path, typer.Option(help="Folder to write the files to.")] = Path("."),
) -> None:
    """Every euro per member for YEAR: contribution, charges, cost shares, settlements,
    usage fees, invoiced, paid and outstanding, with totals that must reconcile."""
    from rich.progress import Progress

    from registry.reports.export import FORMATS, export

    async def work(session: AsyncSession, actor: Actor) -> Export:
        with Progress(console=err) as bar:
            task = bar.add_task(say("leden", "members"), total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return await export(
                session,
                actor,
                output,
                year=year,
                member_code=member,
                as_of=as_of,
                formats=report_format or FORMATS,
                decimal_comma=decimal_comma,
                language="en" if language == "en" else "nl",
                progress=advance,
            )

    done = read_as("cli:report", work)
    header = done.prepared.header
    tell(
        "{title}: {members} leden, auditgebeurtenis {seq}, invoer SHA-256 {sha}",
        "{title}: {members} members, audit event {seq}, inputs SHA-256 {sha}",
        title=header.title,
        members=header.members,
        seq=header.scope.as_of_seq,
        sha=header.inputs_sha256,
    )
    for path in [*done.files, done.manifest]:
        out.print(f"  {path}")
    for finding in done.prepared.findings:
        out.print(
            say(
                "[yellow]bevinding[/yellow] {code} {member}: {detail}",
                "[yellow]finding[/yellow] {code} {member}: {detail}",
                code=finding.code,
                member=finding.member_code or "",
                detail=finding.detail,
            )
        )


@report_app.command("quarterly")
def report_quarterly(
    year: Annotated[int, typer.Argument(help="The year of the quarter.")],
    quarter: Annotated[int, typer.Argument(help="The quarter: 1, 2, 3 or 4.")],
    report_format: Annotated[str, typer.Option("--format", help="pdf or xlsx.")] = "pdf",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The file to write.")
    ] = None,
    as_of: Annotated[
        int | None,
        typer.Option(
            help="Audit event the report reflects (default: the last one of an ended quarter, "
            "else the latest); the same event gives the same file."
        ),
    ] = None,
    language: Annotated[str, typer.Option(help="Language of the report: nl or en.")] = "nl",
) -> None:
    """The quarterly report to the RvC: budget against actuals, liquidity, the portfolio,
    contracts and commitments. The export is recorded in the audit log."""
    from registry.budget.reporting import export_quarterly
    from registry.kit import clock

    done = as_command(
        "cli:report",
        lambda session, actor: export_quarterly(
            session,
            actor,
            year,
            quarter,
            as_of,
            report_format,
            "en" if language == "en" else "nl",
            clock.today(),
        ),
    )
    target = output or Path(done.filename)
    target.write_bytes(done.content)
    tell(
        "{target}: auditgebeurtenis {seq}",
        "{target}: audit event {seq}",
        target=str(target),
        seq=done.report.as_of_seq,
    )
