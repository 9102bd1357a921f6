"""Helpers shared by the browser tests and the playground benchmark: the real server, the system's headless Chromium.

``server()`` starts ``chainrule playground --no-browser --port 0`` in its own process and yields
its URL (the first line it prints) and the seconds from the start to that line; ``chromium()``
launches the system Chromium (Debian's ``chromium`` package; ``playwright install`` is never
run) through Playwright, with a fresh profile and nothing that calls out to the network.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def why_no_browser() -> str | None:
    """None when Playwright and the system Chromium are there; else the reason (a skip, or in CI a failure)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; the test extra has it)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@contextlib.contextmanager
def server(extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, float, subprocess.Popen]]:
    """(url, seconds until the URL was printed, the process) of a fresh ``chainrule playground``."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **(extra_env or {})}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "chainrule", "playground", "--no-browser", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"chainrule playground printed {url!r} first; stderr: {process.stderr.read()[-2000:]}")
        yield url, time.perf_counter() - start, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def chromium(viewport: tuple[int, int] = (1440, 1000)):
    """A Playwright browser context of the system Chromium with a fresh profile, closed (and the profile removed) after."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="chainrule-chromium-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=ARGS,
                viewport={"width": viewport[0], "height": viewport[1]},
            )  # fmt: skip
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
