"""The budget (begroting) of a year: start a draft, set its lines, adopt it by an ALV
decision, show its versions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from registry.auth.roles import system_actor
from registry.cli.choices import BudgetItemChoice
from registry.cli.common import euro, in_transaction, out, read
from registry.kit.language import operator_language

budget_app = typer.Typer(
    help="The budget of a year: a draft, adopted by the ALV, then read-only.",
    no_args_is_help=True,
)


@budget_app.command("start")
def budget_start(year: Annotated[int, typer.Argument(help="The budget's year.")]) -> None:
    """The year's draft: the open one, or a new version starting from the adopted one."""
    from registry.budget import service as budgets

    actor = system_actor("cli:budget-start")
    draft = in_transaction(lambda session: budgets.start_budget(session, actor, year))
    out.print(f"Draft budget {draft.year} version {draft.version} is open.")


@budget_app.command("line")
def budget_line(
    year: Annotated[int, typer.Argument(help="The budget's year.")],
    item: Annotated[
        BudgetItemChoice,
        typer.Option(help="contributions, entry_fees, usage_fees (income) or pool_costs."),
    ],
    amount: Annotated[str, typer.Option(help="In euros: 125000 or 125.000,00.")],
    pool: Annotated[str | None, typer.Option(help="pool_costs: the code of the cost pool.")] = None,
) -> None:
    """Set one line of the year's draft; the same line again replaces its amount."""
    from registry.budget import service as budgets

    actor = system_actor("cli:budget-line")
    line = in_transaction(
        lambda session: budgets.set_line(session, actor, year, item.value, amount, pool)
    )
    where = f" of pool {escape(pool)}" if pool else ""
    out.print(
        f"Stored budget line {year} {line.item.value}{where}: EUR {euro(line.amount_cents)}.",
        soft_wrap=True,
    )


@budget_app.command("adopt")
def budget_adopt(
    year: Annotated[int, typer.Argument(help="The budget's year.")],
    decision: Annotated[str, typer.Option(help="Reference of the ALV decision that adopts it.")],
) -> None:
    """The ALV's decision adopts the year's draft; from then on it is read-only."""
    from registry.budget import service as budgets

    actor = system_actor("cli:budget-adopt")
    adopted = in_transaction(lambda session: budgets.adopt_budget(session, actor, year, decision))
    out.print(
        f"Stored: budget {adopted.year} version {adopted.version} adopted by {escape(decision)}."
    )


@budget_app.command("show")
def budget_show(year: Annotated[int, typer.Argument(help="The budget's year.")]) -> None:
    """Every version of the year's budget, the newest last, with its lines and totals."""
    from rich.table import Table

    from registry.budget import service as budgets

    actor = system_actor("cli:budget-show")
    versions = read(lambda session: budgets.budget_versions(session, actor, year))
    if not versions:
        out.print(f"No budget for {year} yet.")
    for v in versions:
        adopted = f", adopted by {escape(v.decision_reference)}" if v.decision_reference else ""
        table = Table(
            "line",
            "pool",
            "amount (EUR)",
            title=f"Budget {year} version {v.budget.version}: {v.budget.status.value}{adopted}",
        )
        for line in v.lines:
            pool = v.pool_codes.get(line.pool_id, "") if line.pool_id else ""
            table.add_row(line.item.value, escape(pool), euro(line.amount_cents))
        table.add_section()
        table.add_row("income", "", euro(v.income_cents))
        table.add_row("costs", "", euro(v.costs_cents))
        out.print(table)


@budget_app.command("calendar")
def budget_calendar(
    year: Annotated[int | None, typer.Argument(help="The year; this year when left out.")] = None,
) -> None:
    """The statutory calendar of YEAR: what the articles ask of the directie, when it is due,
    and whether it is done, still to do or late (in the operator's language)."""
    from registry.budget.labels import DEADLINE_KIND, DEADLINE_STATE
    from registry.budget.reporting import statutory_calendar
    from registry.kit.clock import today
    from registry.settings import get_settings

    actor = system_actor("cli:budget-calendar")
    current = today()
    chosen = year or current.year
    weeks = get_settings().quarterly_report_weeks
    items = read(lambda session: statutory_calendar(session, actor, chosen, current, weeks))
    language = operator_language()
    for item in items:
        what = DEADLINE_KIND[item.kind].text(language)
        about = f" Q{item.quarter} {item.year}" if item.quarter else f" {item.year}"
        done = f" ({item.done_on.isoformat()})" if item.done_on else ""
        state = DEADLINE_STATE[item.state].text(language)
        out.print(f"{item.due.isoformat()}  {state}{done}: {what}{about}", highlight=False)
