"""Dutch first, English second: translations for the pages."""

from __future__ import annotations

from litestar.plugins.jinja import JinjaTemplateEngine


def configure_templates(engine: JinjaTemplateEngine) -> None:
    engine.engine.autoescape = True
