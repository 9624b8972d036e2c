"""Start-up: how long `registry --help` takes, and how long until a served registry answers `/`.

Each figure is the median of a few runs of the installed command in a process of its own, as
a person starts it. "serve" starts `registry serve` on a migrated SQLite database and times
until the catalogue page answers; "serve --demo, demo loaded" is the second `make run`: it
checks the migrations and the demo, then serves. Run with `make bench`.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
REGISTRY = str(Path(sys.executable).with_name("registry"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "REGISTRY_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "REGISTRY_DEV_MODE": "true",
        "REGISTRY_DEV_LOGIN": "true",
    }


def help_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([REGISTRY, "--help"], check=True, capture_output=True)
    return time.perf_counter() - started


def serve_seconds(database: Path, *options: str) -> float:
    """From starting the process until GET / answers 200."""
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [REGISTRY, "serve", "--port", str(port), *options],
        env=_environment(database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 120
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"registry serve exited with {process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                time.sleep(0.02)
        raise RuntimeError("registry serve did not answer within 120 s")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="registry-bench-startup-") as folder:
        plain = Path(folder, "plain.sqlite3")
        subprocess.run(
            [REGISTRY, "migrate"], env=_environment(plain), check=True, capture_output=True
        )
        demo = Path(folder, "demo.sqlite3")
        serve_seconds(demo, "--demo")  # the first make run: migrate and load the demo
        figures = {
            "registry --help": [help_seconds() for _ in range(RUNS)],
            "registry serve, until / answers": [serve_seconds(plain) for _ in range(RUNS)],
            "registry serve --demo (demo loaded), until / answers": [
                serve_seconds(demo, "--demo") for _ in range(RUNS)
            ],
        }
    print(f"Start-up, median of {RUNS} runs (min-max), seconds:")
    print("| what | median s | min s | max s |")
    print("|---|---:|---:|---:|")
    for what, seconds in figures.items():
        print(
            f"| {what} | {statistics.median(seconds):.2f} | {min(seconds):.2f} | "
            f"{max(seconds):.2f} |"
        )


if __name__ == "__main__":
    main()
