"""The `label` and finding filters render in the page language."""

from __future__ import annotations

from litestar.plugins.jinja import JinjaTemplateEngine

from registry.costs.models import CostCategory
from registry.reports.model import Finding
from registry.settings import PROJECT_ROOT
from registry.web.i18n import configure_templates


def _engine() -> JinjaTemplateEngine:
    engine = JinjaTemplateEngine(directory=PROJECT_ROOT / "web" / "templates")
    configure_templates(engine)
    return engine


def test_enum_values_and_findings_in_the_page_language() -> None:
    environment = _engine().engine
    template = environment.from_string(
        "{{ category | label }} | {{ finding | finding_title }}: {{ finding | finding_sentence }}"
    )
    finding = Finding(
        "not_yet_invoiced", "eindhoven", "", 0, 9_216_728, member_name="Gemeente Eindhoven"
    )
    nl = template.render(lang="nl", category=CostCategory.OWN_STAFF, finding=finding)
    assert nl == (
        "Eigen personeel van leden | Nog niet gefactureerd: Gemeente Eindhoven: over het jaar "
        "is €\u00a092.167,28 te factureren en staat €\u00a00,00 op factuurregels; "
        "€\u00a092.167,28 is nog niet gefactureerd."
    )
    # Escaped as HTML, as every page is.
    en = template.render(lang="en", category=CostCategory.OWN_STAFF, finding=finding)
    assert en == (
        "Members&#39; own staff | Not yet invoiced: Gemeente Eindhoven: €92,167.28 is billable for "
        "the year and €0.00 is on invoice lines; €92,167.28 has not been invoiced yet."
    )
