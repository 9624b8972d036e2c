"""Dutch and English labels of the budget's enums."""

from __future__ import annotations

from registry.budget.calendar import DeadlineKind, DeadlineState
from registry.budget.models import BudgetItem, BudgetStatus
from registry.kit.labels import Label, labels

BUDGET_STATUS = labels(
    BudgetStatus,
    {
        BudgetStatus.DRAFT: Label("Concept", "Draft"),
        BudgetStatus.ADOPTED: Label("Vastgesteld", "Adopted"),
    },
)
BUDGET_ITEM = labels(
    BudgetItem,
    {
        BudgetItem.CONTRIBUTIONS: Label("Contributies", "Contributions"),
        BudgetItem.ENTRY_FEES: Label("Entreegelden", "Entry fees"),
        BudgetItem.USAGE_FEES: Label("Gebruiksvergoedingen", "Usage fees"),
        BudgetItem.POOL_COSTS: Label("Kosten van een kostenpool", "Costs of a cost pool"),
    },
)
DEADLINE_KIND = labels(
    DeadlineKind,
    {
        DeadlineKind.BUDGET: Label(
            "Begroting en strategisch plan vóór 1 december",
            "Budget and strategic plan by 1 December",
        ),
        DeadlineKind.ALV_FIRST_QUARTER: Label(
            "ALV in het eerste kwartaal", "General meeting in the first quarter"
        ),
        DeadlineKind.QUARTERLY_REPORT: Label(
            "Kwartaalrapportage aan de RvC", "Quarterly report to the supervisory board"
        ),
    },
)
DEADLINE_STATE = labels(
    DeadlineState,
    {
        DeadlineState.DONE: Label("Gedaan", "Done"),
        DeadlineState.OPEN: Label("Nog te doen", "To do"),
        DeadlineState.LATE: Label("Te laat", "Late"),
    },
)
