"""Dutch and English labels of the usage enums."""

from __future__ import annotations

from registry.kit.labels import Label, labels
from registry.usage.models import AdoptionStage, Metric

ADOPTION_STAGE = labels(
    AdoptionStage,
    {
        AdoptionStage.ACQUISITION: Label("Verwerving", "Acquisition"),
        AdoptionStage.PLANNED: Label("Gepland", "Planned"),
        AdoptionStage.IN_PRODUCTION: Label("In productie", "In production"),
        AdoptionStage.PHASING_OUT: Label("Uitfasering", "Phasing out"),
        AdoptionStage.PHASED_OUT: Label("Uitgefaseerd", "Phased out"),
    },
)
METRIC = labels(
    Metric,
    {
        Metric.ACTIVE_USERS: Label("Actieve gebruikers", "Active users"),
        Metric.CASES_HANDLED: Label("Afgehandelde zaken", "Cases handled"),
        Metric.TRANSACTIONS: Label("Transacties", "Transactions"),
        Metric.DOCUMENTS: Label("Documenten", "Documents"),
    },
)
