"""Dutch and English labels of the cost pool enums."""

from __future__ import annotations

from registry.costs.models import CostCategory, PoolKind, RunKind
from registry.costs.sharing import AllocationKey, LateJoinerPolicy
from registry.kit.labels import Label, labels

POOL_KIND = labels(
    PoolKind,
    {
        PoolKind.DEVELOPMENT: Label("Ontwikkeling", "Development"),
        PoolKind.MAINTENANCE: Label("Onderhoud", "Maintenance"),
        PoolKind.HOSTING: Label("Hosting", "Hosting"),
        PoolKind.FOUNDING: Label("Oprichting", "Founding"),
        PoolKind.OPERATING: Label("Bedrijfsvoering", "Operating costs"),
    },
)
COST_CATEGORY = labels(
    CostCategory,
    {
        CostCategory.DEVELOPMENT: Label("Ontwikkeling", "Development"),
        CostCategory.OWN_STAFF: Label("Eigen personeel van leden", "Members' own staff"),
        CostCategory.IMPLEMENTATION: Label("Implementatie", "Implementation"),
        CostCategory.OPERATION: Label("Beheer en exploitatie", "Operation"),
        CostCategory.MAINTENANCE: Label("Onderhoud", "Maintenance"),
        CostCategory.HOSTING: Label("Hosting", "Hosting"),
        CostCategory.FOUNDING: Label("Oprichting", "Founding"),
        CostCategory.OTHER: Label("Overig", "Other"),
    },
)
RUN_KIND = labels(
    RunKind,
    {
        RunKind.ALLOCATION: Label("verdeling", "allocation"),
        RunKind.SETTLEMENT: Label("verrekening", "settlement"),
        RunKind.REVERSAL: Label("terugboeking", "reversal"),
    },
)
ALLOCATION_KEY = labels(
    AllocationKey,
    {
        AllocationKey.INHABITANTS: Label("naar inwoners", "by inhabitants"),
        AllocationKey.FIXED_PERCENTAGES: Label("vaste percentages", "fixed percentages"),
        AllocationKey.EQUAL: Label("gelijke delen", "equal shares"),
        AllocationKey.USAGE: Label("naar gebruik", "by usage"),
        AllocationKey.SINGLE_PAYER: Label("één betaler", "single payer"),
    },
)
LATE_JOINER_POLICY = labels(
    LateJoinerPolicy,
    {
        LateJoinerPolicy.FULL_COST: Label("deel van alle kosten", "share of all costs"),
        LateJoinerPolicy.DEPRECIATED: Label(
            "deel van de nog niet afgeschreven waarde", "share of the book value left"
        ),
    },
)
