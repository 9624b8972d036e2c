"""The documentation in docs/ points at code that exists.

Every relative link in docs/*.md (and in the README) must point at an existing file or folder,
and at an existing heading when it has a `#fragment`. A link whose text is one backticked
name, such as [`take_number`](../registry/billing/repository.py), promises that the name is
defined in the linked file: `def name`, `async def name`, `class name` or `NAME = ...` (for a
dotted name such as `StripeGateway.verify_event`, each part). So moving or renaming code
without updating the docs fails here, naming the page and the link.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]

LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^()\s]+)\)")
NAMED = re.compile(r"^`([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`$")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)

RULES_BY_NAME = (
    "Exit charge cap",
    "Largest-remainder allocation",
    "Gapless invoice numbers",
    "Late-joiner settlement",
    "Reproducible report",
)
"""The rules a newcomer must find by name in one hop from docs/ (issue 20)."""


def _links(page: Path) -> list[tuple[str, str]]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [
        (label, target)
        for label, target in LINK.findall(text)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target)  # http:, https:, mailto: ...
    ]


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_slug(h) for h in re.findall(r"^#{1,6}\s+(.+?)\s*$", text, re.MULTILINE)}


def _defines(source: str, name: str) -> bool:
    pattern = rf"^\s*(?:async\s+def|def|class)\s+{re.escape(name)}\b|^{re.escape(name)}\s*[:=]"
    return re.search(pattern, source, re.MULTILINE) is not None


def _all_links() -> list[tuple[Path, str, str]]:
    return [(page, label, target) for page in PAGES for label, target in _links(page)]


def test_the_docs_exist_and_are_linked_from_the_readme() -> None:
    for name in ("README.md", "architecture.md", "rules.md", "glossary.md"):
        assert (DOCS / name).is_file(), f"docs/{name} is missing"
    readme_targets = {target for _, target in _links(ROOT / "README.md")}
    assert "docs/README.md" in readme_targets


@pytest.mark.parametrize(
    ("page", "label", "target"),
    _all_links(),
    ids=lambda value: value.name if isinstance(value, Path) else str(value)[:60],
)
def test_relative_links_resolve(page: Path, label: str, target: str) -> None:
    path_part, _, fragment = target.partition("#")
    linked = (page.parent / path_part).resolve() if path_part else page
    where = f"{page.relative_to(ROOT)}: [{label}]({target})"
    assert linked.exists(), f"{where} points at a file that does not exist"
    if fragment:
        assert linked.suffix == ".md", f"{where}: anchors only into Markdown pages"
        assert fragment in _anchors(linked), f"{where}: no heading with that anchor"
    named = NAMED.match(label)
    if named and linked.is_file() and linked.suffix == ".py":
        source = linked.read_text(encoding="utf-8")
        for part in named.group(1).split("."):
            assert _defines(source, part), f"{where}: {part} is not defined in that file"


def test_every_rule_links_to_code() -> None:
    """rules.md links every rule to the file that enforces it."""
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    assert sections, "rules.md lists no rules"
    for section in sections:
        heading = section.splitlines()[0]
        targets = [target for _, target in LINK.findall(section)]
        assert any(t.startswith(("../registry/", "../migrations/")) for t in targets), (
            f"rules.md: '{heading}' links to no code"
        )


def test_named_rules_are_one_hop_from_the_docs() -> None:
    """Each rule issue 20 names has its own heading in rules.md, linked from docs/README.md."""
    headings = re.findall(r"^### (.+)$", (DOCS / "rules.md").read_text(encoding="utf-8"), re.M)
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for name in RULES_BY_NAME:
        found = [h for h in headings if h.startswith(name)]
        assert found, f"rules.md has no heading '{name}'"
        assert f"(rules.md#{_slug(found[0])})" in index, f"docs/README.md does not link '{name}'"
