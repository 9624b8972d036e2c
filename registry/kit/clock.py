"""Today's date where the cooperative is: a membership that starts on 1 January starts at
midnight in the Netherlands, not at midnight UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

NETHERLANDS = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    return datetime.now(NETHERLANDS).date()
