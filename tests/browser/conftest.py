"""Browser tests: pytest-playwright driving the system Chromium against the live server.

Each account is reached at its own subdomain, ``http://acme.localhost:PORT``: Chromium
resolves ``*.localhost`` to the loopback address by itself, and ALLOWED_HOSTS allows
``.localhost`` (BASE_DOMAIN=localhost in tests). Without /usr/bin/chromium the browser
tests are skipped, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # Every test in this folder is a browser test, marked or not.
    for item in items:
        if BROWSER_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; browser tests must run in CI", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def live_url_for(live_server):
    """live_url_for(account) → ``http://<subdomain>.localhost:PORT``, the account's site."""
    port = urlsplit(live_server.url).port

    def make(account) -> str:
        return f"http://{account.subdomain}.localhost:{port}"

    return make


@pytest.fixture
def acme_url(live_url_for, acme):
    return live_url_for(acme)


@pytest.fixture
def globex_url(live_url_for, globex):
    return live_url_for(globex)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as tests/browser/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real form, as a person would."""
    page.goto(f"{base_url}/signin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
