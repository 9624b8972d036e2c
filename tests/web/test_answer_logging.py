"""Ordinary answers are one line at info level; only a failure is logged with its traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from litestar import get
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.web.access import audience
from tests.helpers.pages import dev_settings


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def answers() -> Iterator[Records]:
    records = Records()
    logger = logging.getLogger("registry.answers")
    logger.addHandler(records)
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(records)


@get("/kapot", sync_to_thread=False, opt=audience())
def broken() -> str:
    raise RuntimeError("a bug, not a refusal")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/bestaat-niet", 404),
        ("GET", "/mijn", 303),
        ("POST", "/uitloggen", 403),
        ("DELETE", "/", 405),
    ],
)
async def test_an_ordinary_answer_is_one_info_line_without_traceback(
    db_url: str, answers: Records, method: str, path: str, status: int
) -> None:
    app = create_app(dev_settings(db_url))
    async with AsyncTestClient(app) as client:
        response = await client.request(method, path, follow_redirects=False)
    assert response.status_code == status
    assert [(r.levelno, r.exc_info) for r in answers.records] == [(logging.INFO, None)]
    assert answers.records[0].getMessage().startswith(f"{method} {path} answered {status}")


async def test_a_failure_is_logged_once_with_its_traceback(db_url: str, answers: Records) -> None:
    app = create_app(dev_settings(db_url, dev_mode=False, dev_login=False))
    app.register(broken)
    async with AsyncTestClient(app) as client:
        response = await client.get("/kapot")
    assert response.status_code == 500
    assert "a bug" not in response.text, "outside development a failure shows no details"
    [record] = answers.records
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert "a bug, not a refusal" in record.getMessage()
