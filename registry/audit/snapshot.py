"""The before/after values of an audited row, as JSON-safe data."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

Snapshot = dict[str, Any]


def json_safe(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return value


def snapshot(row: object, *, exclude: frozenset[str] = frozenset(), **extra: Any) -> Snapshot:
    """Every column of a mapped row (minus `exclude`), plus related values given as `extra`."""
    mapper = inspect(row).mapper
    values = {
        attr.key: json_safe(getattr(row, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in exclude
    }
    values.update({key: json_safe(value) for key, value in extra.items()})
    return values
