"""Dutch and English labels of a financial year's status."""

from __future__ import annotations

from registry.kit.labels import Label, labels
from registry.years.models import YearStatus

YEAR_STATUS = labels(
    YearStatus,
    {
        YearStatus.OPEN: Label("Open", "Open"),
        YearStatus.CLOSED: Label("Afgesloten", "Closed"),
    },
)
