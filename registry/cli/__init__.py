"""The `registry` command: serve, migrate, demo, population, fees, mergers, allocation, audit,
governance, contracts, budgets and approvals.

The command starts fast: each command imports the domain it works on (SQLAlchemy, the GraphQL
schema, reportlab, Stripe, ...) when it runs, not when `registry --help` is asked: an option
that names a domain enum takes its values through `common.EnumChoice`, which imports the
enum only when that command converts, completes or lists them. The modules here hold the
commands by domain; `common` what they share, including `say`, which gives every text a
person reads in Dutch and English.
"""

from __future__ import annotations

import typer

from registry.cli import (
    approvals,
    budget,
    catalogue,
    contracts,
    finance,
    governance,
    members,
    operations,
    reports,
)

app = typer.Typer(help="Coöperatieregister: the registry of the cooperative.", no_args_is_help=True)
app.add_typer(operations.demo_app, name="demo")
app.add_typer(members.population_app, name="population")
app.add_typer(operations.schema_app, name="schema")
app.add_typer(operations.roles_app, name="roles")
app.add_typer(operations.audit_app, name="audit")
app.add_typer(finance.fees_app, name="fees")
app.add_typer(members.members_app, name="members")
app.add_typer(operations.backup_app, name="backup")
app.add_typer(operations.config_app, name="config")
app.add_typer(governance.governance_app, name="governance")
app.command()(operations.migrate)
app.command()(operations.serve)
app.command()(operations.worker)
app.command()(finance.allocate)
app.add_typer(finance.invoices_app, name="invoices")
app.add_typer(finance.payments_app, name="payments")
app.add_typer(reports.report_app, name="report")
app.add_typer(catalogue.publiccode_app, name="publiccode")
app.add_typer(finance.journal_app, name="journal")
app.add_typer(operations.messages_app, name="messages")
app.add_typer(finance.reminders_app, name="reminders")
app.add_typer(finance.bank_app, name="bank")
app.add_typer(finance.year_app, name="year")
app.add_typer(finance.opening_app, name="opening-balances")
app.add_typer(contracts.contracts_app, name="contracts")
app.add_typer(budget.budget_app, name="budget")
app.add_typer(approvals.approvals_app, name="approvals")

__all__ = ["app"]
