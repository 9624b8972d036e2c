"""The report as one JSON document, for programs: exact and streamed.

Money is integer cents (`*_cents`), never a float; rates and quantities are decimal
strings, dates ISO 8601. The document is written piece by piece, one member object per
line, so memory does not grow with the number of members.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from registry.reports.model import Finding, MemberReport, ReportHeader, Totals, checks


def plain(value: Any) -> Any:
    """A report value as JSON data: dataclasses as objects, decimals as exact strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class JsonWriter:
    def __init__(self, directory: Path, stem: str) -> None:
        self.path = directory / f"{stem}.json"
        self._file: IO[str] | None = None
        self._header: ReportHeader | None = None
        self._first = True

    def begin(self, header: ReportHeader) -> None:
        self._header = header
        self._file = self.path.open("w", encoding="utf-8", newline="\n")
        self._file.write(f'{{"scope": {_dumps(plain(header.scope))},\n')
        self._file.write(f'"inputs_sha256": {_dumps(header.inputs_sha256)},\n')
        self._file.write('"members": [')

    def member(self, report: MemberReport) -> None:
        assert self._file is not None, "begin() first"
        self._file.write(("\n" if self._first else ",\n") + _dumps(plain(report)))
        self._first = False

    def end(self, totals: Totals, findings: list[Finding]) -> list[Path]:
        assert self._file is not None, "begin() first"
        assert self._header is not None
        summed = plain(totals) | {"pools_cents": totals.pools_cents}
        reconciliation = [
            {
                "code": check.code,
                "holds": check.holds,
                "left_cents": check.left_cents,
                "right_cents": check.right_cents,
            }
            for check in checks(totals, self._header.scope)
        ]
        self._file.write("\n],\n")
        self._file.write(f'"totals": {_dumps(summed)},\n')
        self._file.write(f'"reconciliation": {_dumps(reconciliation)},\n')
        self._file.write(f'"findings": {_dumps(plain(findings))}}}\n')
        self._file.close()
        return [self.path]
