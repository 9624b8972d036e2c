"""Templates are compiled once per process: the second application built in it (the tests
build one per test) renders its pages from the compiled code, and a changed template is
compiled again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.web.i18n import configure_templates
from tests.helpers.pages import dev_settings


class _Counting:
    def __init__(self) -> None:
        self.compiled: list[str | None] = []


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> _Counting:
    counting = _Counting()
    compile_ = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: Any, name: str | None = None, *a: Any) -> Any:
        counting.compiled.append(name)
        return compile_(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return counting


async def test_a_second_application_does_not_compile_a_page_again(
    members_db_url: str, compiles: _Counting
) -> None:
    settings = dev_settings(members_db_url)
    for _ in range(2):
        async with AsyncTestClient(app=create_app(settings)) as client:
            assert (await client.get("/leden-overzicht")).status_code == 200
    # Whatever an earlier test compiled in this process is not compiled here at all.
    assert compiles.compiled.count("base.html") <= 1


def test_a_changed_template_is_compiled_again(tmp_path: Path, compiles: _Counting) -> None:
    page = tmp_path / "page.html"

    def rendered() -> str:
        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
        configure_templates(JinjaTemplateEngine.from_environment(environment))
        return environment.get_template("page.html").render()

    page.write_text("eerste")
    assert rendered() == "eerste"
    assert rendered() == "eerste"
    page.write_text("tweede")
    assert rendered() == "tweede"
    assert compiles.compiled == ["page.html", "page.html"]
