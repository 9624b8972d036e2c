"""Accessibility checks with axe-core (installed with npm into web/node_modules, never a CDN).

The Content-Security-Policy forbids inline scripts, so axe is evaluated by the browser's
devtools protocol (as Playwright's `evaluate` does), not added to the page as a script.
"""

from __future__ import annotations

from functools import cache

from playwright.async_api import Page

from registry.settings import PROJECT_ROOT

AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


async def axe_violations(page: Page) -> list[str]:
    """Every WCAG 2.1 A/AA violation and best-practice finding on the page as shown now: rule,
    impact and elements."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(_source() + "\n;undefined")
    found: list[str] = await page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {
                runOnly: {
                    type: "tag",
                    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
                },
            });
            return result.violations.map(
                (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`
            );
        }"""
    )
    return found
