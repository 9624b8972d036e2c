"""A download keeps its name: exactly in browsers that read the UTF-8 form (RFC 6266), readable
in those that know only the quoted one, and no name can break or extend the header."""

from __future__ import annotations

import re
from urllib.parse import unquote

from registry.web.pages import content_disposition


def _names(header: str) -> tuple[str, str]:
    """The quoted name and the decoded UTF-8 name, as a browser reads them; nothing else."""
    found = re.fullmatch(
        r"attachment; filename=\"([^\"]*)\"; filename\*=UTF-8''([^\s;\"]+)", header
    )
    assert found is not None, header
    return found[1], unquote(found[2])


def test_a_plain_name_stands_in_both_forms() -> None:
    header = content_disposition("factuur-2026-0001.pdf")
    assert header == (
        "attachment; filename=\"factuur-2026-0001.pdf\"; filename*=UTF-8''factuur-2026-0001.pdf"
    )


def test_a_dutch_name_with_spaces_and_accents_arrives_whole() -> None:
    name = "Bijdragen 2027 – gemeente 's-Hertogenbosch, Coöperatie.xlsx"
    plain, exact = _names(content_disposition(name))
    assert exact == name
    assert plain == "Bijdragen 2027 _ gemeente 's-Hertogenbosch, Co_peratie.xlsx"


def test_quotes_and_line_breaks_cannot_break_out_of_the_header() -> None:
    name = 'a"; filename="evil.exe\r\nSet-Cookie: x=1.pdf'
    header = content_disposition(name)
    assert "\r" not in header
    assert "\n" not in header
    plain, exact = _names(header)
    assert exact == name
    assert '"' not in plain
