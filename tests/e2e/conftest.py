"""Browser fixtures: Debian's Chromium driven by pytest-playwright against ``live_stack``.

Screenshots go to ``test-artifacts/e2e/`` (gitignored) so a failing or passing run leaves
pictures of the editor and of a finished run.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.integration.stack import USERS, Api, Stack

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.e2e


def _chromium() -> str | None:
    for candidate in (os.environ.get("FOMO_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None  # fall back to Playwright's own browser where it could be downloaded


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    exe = _chromium()
    if exe:
        args["executable_path"] = exe
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def base_url(live_stack: Stack) -> str:
    return live_stack.url


@pytest.fixture(scope="session")
def alice_api(live_stack: Stack) -> Api:
    return live_stack.client("alice")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def log_in(page: Page, base: str, username: str = "alice") -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", USERS[username])
    page.click("form [type=submit]")
    page.wait_for_url(f"{base}/")


class ConsoleErrors(list[str]):
    """Console errors and uncaught exceptions of a page (a favicon 404 is not ours)."""

    def watch(self, page: Page) -> None:
        page.on("console", lambda m: self.append(m.text) if m.type == "error" and "favicon" not in m.text
                and "404" not in m.text else None)
        page.on("pageerror", lambda e: self.append(f"uncaught: {e}"))


@pytest.fixture
def console_errors(page: Page) -> ConsoleErrors:
    errors = ConsoleErrors()
    errors.watch(page)
    return errors


@pytest.fixture
def alice_page(page: Page, base_url: str) -> Page:
    log_in(page, base_url, "alice")
    return page


@pytest.fixture
def second_alice(browser: Browser, base_url: str) -> Iterator[Page]:
    """Alice again, in a separate browser context (another tab on another machine)."""
    context: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, base_url, "alice")
    yield page
    context.close()
