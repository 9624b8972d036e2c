"""Start-up imports only what serving needs: heavy libraries are imported where they are used.

How long start-up takes is measured in `make bench` (benchmarks/startup.py); this checks what
it loads, in a fresh interpreter as a person starts the command.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["reportlab", "xlsxwriter", "openpyxl", "stripe", "lxml", "httpx", "rich", "pygments"]
"""PDF, spreadsheets, payments, XML/UBL, HTTP client and its command line."""

SERVING = ["litestar", "strawberry", "sqlalchemy", "jinja2"]


def _loaded(module: str) -> list[str]:
    code = (
        f"import json, sys, {module}; "
        f"print(json.dumps([m for m in {HEAVY + SERVING!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("registry.cli", ["rich"]),  # `registry --help`: its output is rich text
        ("registry.app", SERVING),  # `registry serve`: the app, nothing for documents
    ],
)
def test_start_up_leaves_heavy_libraries_for_when_they_are_used(
    module: str, expected: list[str]
) -> None:
    assert _loaded(module) == expected
