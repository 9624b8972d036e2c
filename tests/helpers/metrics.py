"""Scraping /metrics in tests: the token the test settings use and one sample of the answer."""

from __future__ import annotations

import re

METRICS_TOKEN = "mQ8vT3xZr6Lk2Wp9Yc4Hn7Jd5Fg1Sb0A"


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus' text format, or None when it is not there."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        found = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
        if found is None or found.group(1) != name:
            continue
        shown = dict(re.findall(r'(\w+)="([^"]*)"', found.group(2) or ""))
        if all(shown.get(key) == value for key, value in labels.items()):
            return float(found.group(3))
    return None
