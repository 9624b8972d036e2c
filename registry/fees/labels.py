"""Dutch and English labels of the contribution enums."""

from __future__ import annotations

from registry.fees.models import PopulationPolicy, ProRata
from registry.kit.labels import Label, labels

PRO_RATA = labels(
    ProRata,
    {
        ProRata.BY_DAYS: Label(
            "Naar rato van de dagen lidmaatschap", "Pro rata by the days of membership"
        ),
        ProRata.FULL_YEAR: Label("Altijd een volledig jaar", "Always a full year"),
    },
)
POPULATION_POLICY = labels(
    PopulationPolicy,
    {
        PopulationPolicy.JANUARY_FIRST: Label("1 januari van het jaar", "1 January of the year"),
        PopulationPolicy.LATEST_PUBLISHED: Label(
            "laatst gepubliceerde cijfer", "latest published figure"
        ),
    },
)
