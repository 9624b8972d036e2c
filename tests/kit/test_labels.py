"""Every enum whose values reach a page or an export has a Dutch and an English label."""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

from registry.kit.errors import Refusal
from registry.kit.labels import Label, has_labels, label, labelled, labels
from registry.labels import DOMAINS

DOMAIN_PACKAGES = (
    "audit",
    "auth",
    "billing",
    "catalogue",
    "costs",
    "fees",
    "journal",
    "kit",
    "members",
    "reports",
    "usage",
)

NOT_SHOWN = {
    "registry.auth.policy.Permission": "API token scopes, written as in the API (usage:write)",
    "registry.auth.roles.ActorKind": "who made an audit event, only in the audit log's JSON",
    "registry.audit.export.ExportFormat": "file formats (jsonl, csv), which are their names",
    "registry.catalogue.repository.ApplicationOrder": "a sort parameter in the URL",
    "registry.kit.spreadsheet.Kind": "column types of the spreadsheet writers",
    "registry.journal.formats.JournalFormat": "file formats (csv, xaf), which are their names",
}
"""Enums that never reach a person as text, and why."""


def _modules() -> list[ModuleType]:
    found = []
    for package in DOMAIN_PACKAGES:
        root = importlib.import_module(f"registry.{package}")
        found.append(root)
        for info in pkgutil.walk_packages(root.__path__, f"registry.{package}."):
            found.append(importlib.import_module(info.name))
    return found


def _enums() -> dict[str, type[enum.Enum]]:
    result = {}
    for module in _modules():
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, enum.Enum)
                and value.__module__ == module.__name__
                and not issubclass(value, Refusal)  # refusals carry their own texts
            ):
                result[f"{value.__module__}.{value.__qualname__}"] = value
    return result


def test_every_enum_that_reaches_people_has_labels() -> None:
    assert DOMAINS  # importing registry.labels declared every domain's labels
    enums = _enums()
    assert "registry.costs.models.CostCategory" in enums  # the walk found the domains
    assert set(NOT_SHOWN) <= set(enums), "a NOT_SHOWN entry names an enum that is gone"
    unlabelled = [
        name for name, cls in enums.items() if name not in NOT_SHOWN and not has_labels(cls)
    ]
    assert unlabelled == []
    for cls in labelled():
        for member in cls:
            for language in ("nl", "en"):
                text = label(member, language)
                assert text.strip(), (member, language)
                assert "_" not in text, (member, language, text)


def test_labels_in_dutch_and_english() -> None:
    from registry.costs.models import CostCategory
    from registry.fees.models import PopulationPolicy
    from registry.usage.models import Metric

    assert label(CostCategory.OWN_STAFF, "nl") == "Eigen personeel van leden"
    assert label(CostCategory.OWN_STAFF, "en") == "Members' own staff"
    assert label(PopulationPolicy.LATEST_PUBLISHED, "nl") == "laatst gepubliceerde cijfer"
    assert label(Metric.CASES_HANDLED, "en") == "Cases handled"


def test_a_declaration_missing_a_member_is_refused() -> None:
    class Colour(enum.Enum):
        RED = "red"
        GREEN = "green"

    with pytest.raises(ValueError, match="no label for GREEN"):
        labels(Colour, {Colour.RED: Label("rood", "red")})
    assert not has_labels(Colour)
    with pytest.raises(LookupError):
        label(Colour.RED, "nl")
