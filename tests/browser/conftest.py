"""Browser tests: pytest-playwright driving the system Chromium against the live server.

Each account is reached at its own subdomain, ``http://acme.localhost:PORT``: Chromium
resolves ``*.localhost`` to the loopback address by itself, and ALLOWED_HOSTS allows
``.localhost`` (BASE_DOMAIN=localhost in tests). Without /usr/bin/chromium the browser
tests are skipped, except in CI (``CI=true``), where that is a failure.

Every page a test visits, in any context it opens, is checked with axe-core for WCAG 2
A/AA violations, and for emoji (see ``axe_check``); axe-core is installed by ``npm ci``
in this folder.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Error

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
AXE_JS = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = r"""async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  const found = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }));
  // Not axe-core's: an emoji shows as an empty box where no emoji font is installed, so
  // icons are SVG (tests/test_icons.py has the same ranges).
  const emoji = document.documentElement.outerHTML.match(
    /[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}\u{231A}\u{231B}\u{23E9}-\u{23F3}\u{23F8}-\u{23FA}\u{FE0F}\u{200D}]/gu
  );
  if (emoji) {
    found.push({id: "emoji", impact: "serious", help: "Icons must be SVG, not emoji",
                nodes: [[...new Set(emoji)].join(" ")]});
  }
  return found;
}"""


def pytest_collection_modifyitems(config, items):
    # Every test in this folder is a browser test, marked or not.
    for item in items:
        if BROWSER_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if in_ci():
            pytest.fail(f"{message}; browser tests must run in CI", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@functools.cache
def axe_source() -> str:
    return AXE_JS.read_text()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


class AxeWatch:
    """Runs axe-core on each page of a watched browser context: as each page loads, and
    on the pages still open when the context closes (as the test left them: type-ahead
    open, errors shown).

    The check of a loaded page runs in Playwright's handler of the ``load`` event, beside
    the test (0.1 to 0.5 s a page). Holding the test's next navigation until the check
    is done does not work: an evaluate in a page whose navigation away is held by a route
    never returns. So a page the test leaves during its check is opened again in a new
    tab of the same context before the context closes, and checked there (GETs change
    nothing here; a form's answer is a redirect to a GET).
    """

    WAIT_MS = 30_000

    def __init__(self):
        self.problems: dict[str, None] = {}  # ordered and without repeats
        self.contexts = []
        self.checking = set()
        self.missed: dict = {}  # context → URLs left during their check

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.on("page", lambda page: page.on("load", self.check))
        close = context.close

        def close_after_check(*args, **kwargs):
            self.check_all(context)
            close(*args, **kwargs)

        context.close = close_after_check

    def check_all(self, context) -> None:
        """The context's open pages, then the pages it left before they were checked."""
        for page in context.pages:
            self.check(page)
        missed = self.missed.pop(context, {})
        if not missed or context.browser is None or not context.browser.is_connected():
            return
        try:
            page = context.new_page()
        except Error:  # closed since (its pages were checked as it closed): nothing to open
            return
        for url in missed:
            # A page that answered a POST itself (a signing secret shown once) cannot be
            # opened again by its URL: its GET is refused, and there is nothing to check.
            try:
                response = page.goto(url)
            except Error:
                continue
            if response is None or not response.ok:
                continue
            self.check(page)
        page.close()

    def _wait_for_check(self, page) -> None:
        waited = 0
        while page in self.checking and waited < self.WAIT_MS:
            page.wait_for_timeout(25)
            waited += 25

    def check(self, page) -> None:
        url = page.url
        if page.is_closed() or not url.startswith("http"):
            return
        self._wait_for_check(page)  # axe-core runs once at a time in a page
        self.checking.add(page)
        try:
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                # Not page.add_script_tag: an inline <script> without the page's nonce is
                # refused by our Content-Security-Policy. Evaluated through the DevTools
                # protocol, the same source runs without loosening the policy under test.
                page.evaluate(axe_source())
            violations = page.evaluate(RUN_AXE, AXE_TAGS)
        except Error as exc:
            # The test went on to another page: while axe ran, or between injecting it and
            # running it (the new document has no axe). Checked again later, at its URL.
            if "destroyed" in exc.message or "axe is not defined" in exc.message:
                self.missed.setdefault(page.context, {})[url] = None
            elif "closed" not in exc.message:
                self.problems[f"{url}: could not be checked ({exc.message})"] = None
            return
        finally:
            self.checking.discard(page)
        for v in violations:
            nodes = "\n      ".join(v["nodes"])
            self.problems[f"{url}: {v['id']} ({v['impact']}): {v['help']}\n      {nodes}"] = None


@pytest.fixture(autouse=True)
def axe_check(monkeypatch):
    """Fail a browser test whose pages have a WCAG 2 A/AA violation (axe-core).

    Hooks every browser context the test creates (pytest-playwright's ``page`` and any
    ``browser.new_context()``), so a new journey is checked without asking for it.
    """
    if not AXE_JS.exists():
        message = f"{AXE_JS} is missing (npm ci --prefix tests/browser)"
        if in_ci():
            pytest.fail(f"{message}; the accessibility check must run in CI", pytrace=False)
        yield None
        return
    watch = AxeWatch()
    new_context = Browser.new_context

    def new_watched_context(self, *args, **kwargs):
        context = new_context(self, *args, **kwargs)
        watch.watch(context)
        return context

    monkeypatch.setattr(Browser, "new_context", new_watched_context)
    yield watch
    # Set up before the test's own fixtures, this one is torn down after them: the pages
    # of pytest-playwright's contexts were checked as they closed. A test's context left
    # open is checked here.
    for context in watch.contexts:
        watch.check_all(context)
    assert not watch.problems, "WCAG 2 A/AA violations (axe-core):\n" + "\n".join(watch.problems)


@pytest.fixture
def live_url_for(live_server):
    """live_url_for(account) → ``http://<subdomain>.localhost:PORT``, the account's site."""
    port = urlsplit(live_server.url).port

    def make(account) -> str:
        return f"http://{account.subdomain}.localhost:{port}"

    return make


@pytest.fixture
def asgi_url_for(transactional_db):
    """asgi_url_for(account) → the account's site served by daphne with helpdesk.asgi,
    pages and sockets alike (as `make run` and production's ``realtime`` service serve
    them; the live server serves no sockets). Channels' ChannelsLiveServerTestCase as a
    fixture: daphne in a process forked from the test's, so it reaches the test database
    (committed data: transactional), its channel layer its own (the in-memory one of
    `make run`: the views that publish and the sockets that hear are in that process)."""
    from channels.testing.live import make_application
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    # The child opens its own connections: none of the parent's sockets are shared.
    connections.close_all()
    server = DaphneProcess(
        "127.0.0.1", functools.partial(make_application, static_wrapper=ASGIStaticFilesHandler)
    )
    server.start()
    try:
        if not server.ready.wait(60):
            pytest.fail("daphne did not start within 60 s", pytrace=False)
        port = server.port.value
        yield lambda account: f"http://{account.subdomain}.localhost:{port}"
    finally:
        server.terminate()
        server.join(10)


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
