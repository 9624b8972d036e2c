"""Running the `registry` command in tests, as a person at a terminal would."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner, Result

from registry.cli import app

runner = CliRunner()


async def invoke(*args: str) -> Result:
    """Run the command in a thread: it starts its own event loop, as it does for a user."""
    return await asyncio.to_thread(runner.invoke, app, list(args))


def refusal(result: Result) -> str:
    """The output of a refused command, on one line; it must be a message, not a traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return " ".join(result.output.split())
