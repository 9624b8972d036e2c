"""Reading typed form values for the directie's pages: what was typed is kept as typed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from litestar import Request

from registry.kit.errors import FieldError, Refusal, field_error


async def form_values(request: Request[Any, Any, Any], *names: str) -> dict[str, str]:
    """The named fields of the posted form as text (missing fields are empty)."""
    form = await request.form()
    return {name: str(form.get(name) or "").strip() for name in names}


def parse_date(
    values: Mapping[str, str],
    name: str,
    field: str,
    refusal: Refusal,
    errors: list[FieldError],
    *,
    required: bool = True,
) -> date | None:
    """The ISO date in `values[name]`; a refusal on the domain's `field` when it is not one."""
    text = values.get(name, "")
    if not text and not required:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(field_error(field, refusal))
        return None
