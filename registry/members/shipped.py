"""The CBS figures and the municipal mergers that ship with the registry (registry/members/data).

Population on 1 January of 2020 to 2025 (CBS, CC BY 4.0, "Bron: CBS"), one file per year with
the columns of a CBS export, and the mergers between 2020 and 2025 (derived from the yearly
lists). The demo loads them, and `registry population import --shipped` imports them into any
registry. Nothing is read from outside the package.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources

SHIPPED_YEARS = (2020, 2021, 2022, 2023, 2024, 2025)

SOURCES: Mapping[int, str] = {
    2020: "CBS StatLine 70072ned (Regionale kerncijfers Nederland), CC BY 4.0",
    2021: "CBS StatLine 85039NED (Kerncijfers wijken en buurten 2021), CC BY 4.0",
    2022: "CBS StatLine 85318NED (Kerncijfers wijken en buurten 2022), CC BY 4.0",
    2023: "CBS StatLine 85618NED (Kerncijfers wijken en buurten 2023), CC BY 4.0",
    2024: "CBS StatLine 85984NED (Kerncijfers wijken en buurten 2024), CC BY 4.0",
    2025: "CBS StatLine 03759NED (Bevolking op 1 januari), CC BY 4.0",
}
"""Where each year's figures come from, recorded with every imported figure."""


def _data(name: str) -> str:
    return resources.files("registry.members").joinpath(f"data/{name}").read_text(encoding="utf-8")


def population_csv(year: int) -> str:
    """The CBS figures of 1 January of `year` (cbs_code,name,year,population)."""
    if year not in SHIPPED_YEARS:
        raise ValueError(f"no figures of {year} ship with the registry")
    return _data(f"cbs_population_{year}.csv")


@dataclass(frozen=True, slots=True)
class ShippedMerger:
    """Municipalities of one year that together became one successor."""

    effective_date: date
    """The first 1 January on which the successor stands in the CBS list in their place."""
    successor_code: str
    successor_name: str
    predecessor_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShippedSplit:
    """A municipality divided over several others: no one successor stands for it."""

    cbs_code: str
    name: str
    effective_date: date
    successor_codes: tuple[str, ...]


def _first_january_from(day: date) -> date:
    """Figures are counted on 1 January: a merger on another day shows from the next one (Weesp
    joined Amsterdam on 24 March 2022 and is part of it in the CBS list of 1 January 2023)."""
    return day if (day.month, day.day) == (1, 1) else date(day.year + 1, 1, 1)


def mergers() -> tuple[tuple[ShippedMerger, ...], tuple[ShippedSplit, ...]]:
    """The mergers of 2020–2025 in date order, grouped by successor, and the splits apart."""
    grouped: dict[tuple[date, str], tuple[str, list[str]]] = {}
    splits: list[ShippedSplit] = []
    for row in csv.DictReader(io.StringIO(_data("municipal_mergers_2020_2025.csv"))):
        effective = _first_january_from(date.fromisoformat(row["effective_date"]))
        successors = tuple(row["new_cbs_code"].split(";"))
        if len(successors) > 1:
            splits.append(ShippedSplit(row["old_cbs_code"], row["old_name"], effective, successors))
            continue
        _, predecessors = grouped.setdefault((effective, successors[0]), (row["new_name"], []))
        predecessors.append(row["old_cbs_code"])
    merged = tuple(
        ShippedMerger(effective, code, name, tuple(predecessors))
        for (effective, code), (name, predecessors) in sorted(grouped.items())
    )
    return merged, tuple(splits)
