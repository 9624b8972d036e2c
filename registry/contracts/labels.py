"""Dutch and English labels of the contracts' enums."""

from __future__ import annotations

from registry.contracts.models import ContractStatus
from registry.kit.labels import Label, labels

CONTRACT_STATUS = labels(
    ContractStatus,
    {
        ContractStatus.DRAFT: Label("Concept", "Draft"),
        ContractStatus.SIGNED: Label("Ondertekend", "Signed"),
        ContractStatus.ENDED: Label("Beëindigd", "Ended"),
    },
)
