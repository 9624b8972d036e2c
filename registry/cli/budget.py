"""The budget (begroting) of a year: start a draft, set its lines, adopt it by an ALV
decision, show its versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from registry.cli.common import (
    EnumChoice,
    as_command,
    choice_option,
    euro,
    headings,
    named,
    out,
    read_as,
    say,
    tell,
)
from registry.kit.errors import Euro
from registry.kit.language import operator_language

if TYPE_CHECKING:
    from registry.budget.models import BudgetItem
else:  # the domain is imported when a command needs its values (see EnumChoice)
    BudgetItem = EnumChoice("registry.budget.models:BudgetItem")

budget_app = typer.Typer(
    help="The budget of a year: a draft, adopted by the ALV, then read-only.",
    no_args_is_help=True,
)


@budget_app.command("start")
def budget_start(year: Annotated[int, typer.Argument(help="The budget's year.")]) -> None:
    """The year's draft: the open one, or a new version starting from the adopted one."""
    from registry.budget import service as budgets

    draft = as_command(
        "cli:budget-start", lambda session, actor: budgets.start_budget(session, actor, year)
    )
    tell(
        "De conceptbegroting {year} versie {version} is open.",
        "Draft budget {year} version {version} is open.",
        year=str(draft.year),
        version=draft.version,
    )


@budget_app.command("line")
def budget_line(
    year: Annotated[int, typer.Argument(help="The budget's year.")],
    item: Annotated[
        BudgetItem,
        choice_option(
            BudgetItem, help="contributions, entry_fees, usage_fees (income) or pool_costs."
        ),
    ],
    amount: Annotated[str, typer.Option(help="In euros: 125000 or 125.000,00.")],
    pool: Annotated[str | None, typer.Option(help="pool_costs: the code of the cost pool.")] = None,
) -> None:
    """Set one line of the year's draft; the same line again replaces its amount."""
    from registry.budget import service as budgets

    line = as_command(
        "cli:budget-line",
        lambda session, actor: budgets.set_line(session, actor, year, item, amount, pool),
    )
    where = say(" van pot {pool}", " of pool {pool}", pool=pool) if pool else ""
    tell(
        "Begrotingsregel {year} {item}{where} vastgelegd: {amount}.",
        "Stored budget line {year} {item}{where}: {amount}.",
        year=str(year),
        item=line.item,
        where=where,
        amount=Euro(line.amount_cents),
    )


@budget_app.command("adopt")
def budget_adopt(
    year: Annotated[int, typer.Argument(help="The budget's year.")],
    decision: Annotated[str, typer.Option(help="Reference of the ALV decision that adopts it.")],
) -> None:
    """The ALV's decision adopts the year's draft; from then on it is read-only."""
    from registry.budget import service as budgets

    adopted = as_command(
        "cli:budget-adopt",
        lambda session, actor: budgets.adopt_budget(session, actor, year, decision),
    )
    tell(
        "Vastgelegd: begroting {year} versie {version} vastgesteld bij {decision}.",
        "Stored: budget {year} version {version} adopted by {decision}.",
        year=str(adopted.year),
        version=adopted.version,
        decision=decision,
    )


@budget_app.command("show")
def budget_show(year: Annotated[int, typer.Argument(help="The budget's year.")]) -> None:
    """Every version of the year's budget, the newest last, with its lines and totals."""
    from rich.table import Table

    from registry.budget import service as budgets

    versions = read_as(
        "cli:budget-show", lambda session, actor: budgets.budget_versions(session, actor, year)
    )
    if not versions:
        tell("Er is nog geen begroting voor {year}.", "No budget for {year} yet.", year=str(year))
    for v in versions:
        adopted = (
            say(", vastgesteld bij {ref}", ", adopted by {ref}", ref=v.decision_reference)
            if v.decision_reference
            else ""
        )
        table = Table(
            *headings(("regel", "line"), ("pot", "pool"), ("bedrag (EUR)", "amount (EUR)")),
            title=say(
                "Begroting {year} versie {version}: {status}{adopted}",
                "Budget {year} version {version}: {status}{adopted}",
                year=str(year),
                version=v.budget.version,
                status=v.budget.status,
                adopted=adopted,
            ),
        )
        for line in v.lines:
            pool = v.pool_codes.get(line.pool_id, "") if line.pool_id else ""
            table.add_row(named(line.item), escape(pool), euro(line.amount_cents))
        table.add_section()
        table.add_row(say("baten", "income"), "", euro(v.income_cents))
        table.add_row(say("lasten", "costs"), "", euro(v.costs_cents))
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

    current = today()
    chosen = year or current.year
    weeks = get_settings().quarterly_report_weeks
    items = read_as(
        "cli:budget-calendar",
        lambda session, actor: statutory_calendar(session, actor, chosen, current, weeks),
    )
    language = operator_language()
    for item in items:
        what = DEADLINE_KIND[item.kind].text(language)
        about = f" Q{item.quarter} {item.year}" if item.quarter else f" {item.year}"
        done = f" ({item.done_on.isoformat()})" if item.done_on else ""
        state = DEADLINE_STATE[item.state].text(language)
        out.print(f"{item.due.isoformat()}  {state}{done}: {what}{about}", highlight=False)
