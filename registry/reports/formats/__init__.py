"""The report's file formats. Each writer streams: members are written as they come.

A writer gets the header before the first member and the totals and findings after the
last; it must produce byte-identical files for the same calls (no clock, no randomness,
stable ordering, fixed metadata dates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from registry.reports.model import Finding, MemberReport, ReportHeader, Totals


class ReportWriter(Protocol):
    def begin(self, header: ReportHeader) -> None: ...

    def member(self, report: MemberReport) -> None: ...

    def end(self, totals: Totals, findings: list[Finding]) -> list[Path]:
        """Finish and close; the files written, in a stable order."""
        ...
