"""Every refusal of the usage domain, and every name it shows, reads in Dutch and in English."""

from __future__ import annotations

import pytest

from registry.catalogue.models import ApplicationStatus
from registry.kit.errors import Refusal
from registry.usage.errors import MetricName, StageName, StatusName, UsageRefusal
from registry.usage.models import AdoptionStage, Metric

ENUMERATIONS: tuple[type[Refusal], ...] = (UsageRefusal, StageName, StatusName, MetricName)


@pytest.mark.parametrize("enumeration", ENUMERATIONS, ids=lambda e: e.__name__)
def test_no_member_is_an_alias_of_another(enumeration: type[Refusal]) -> None:
    assert len(enumeration.__members__) == len(list(enumeration))


@pytest.mark.parametrize(
    "refusal", [m for e in ENUMERATIONS for m in e], ids=lambda r: f"{type(r).__name__}.{r.name}"
)
def test_dutch_and_english_texts(refusal: Refusal) -> None:
    assert refusal.code
    assert refusal.template("nl").strip()
    assert refusal.template("en").strip()
    assert refusal.template("nl") != refusal.template("en")
    assert refusal.placeholders("nl") == refusal.placeholders("en")


def test_every_stage_status_and_metric_has_a_name() -> None:
    assert [StageName.of(s).code for s in AdoptionStage] == [s.value for s in AdoptionStage]
    assert [StatusName.of(s).code for s in ApplicationStatus] == [
        s.value for s in ApplicationStatus
    ]
    assert [MetricName.of(m).code for m in Metric] == [m.value for m in Metric]
