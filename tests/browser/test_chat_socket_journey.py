"""Issue 28's chat over a real socket: helpdesk.asgi served by daphne (pages and sockets,
as `make run` serves them), an end user in the help center and an agent in the
workspace, each in their own browser context, chatting.

That a message came through the socket, not the poll, is made certain rather than timed:
both contexts run on Playwright's clock, which the test pauses once both pages' sockets
have the chat's topic. A paused clock fires no timer, so no page polls on its own from
then on; a message that still appears on the other side was fetched because the socket
rang (the widget and the workspace fetch at once on a ring). The frames themselves are
checked too."""

import json
import time

import pytest
from playwright.sync_api import expect

from chat.models import Chat, ChatGroup, ChatSettings
from tests.browser.conftest import screenshot, sign_in
from tests.chat.conftest import chat_agent
from tests.factories import AgentGroupFactory

pytestmark = pytest.mark.browser

POLLS = ("/hc/chat/", "/agent/chats/")


class Watch:
    """A page's chat requests in flight, and the chat events its socket received."""

    def __init__(self, page):
        self.page = page
        self.in_flight: set = set()
        self.events: list[dict] = []
        page.on("request", self._started)
        page.on("requestfinished", lambda request: self.in_flight.discard(request))
        page.on("requestfailed", lambda request: self.in_flight.discard(request))
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _started(self, request):
        if any(part in request.url for part in POLLS):
            self.in_flight.add(request)

    def _frame(self, payload):
        message = json.loads(payload) if isinstance(payload, str) else {}
        if "event" in message:
            self.events.append(message)

    def settle(self, timeout: float = 15) -> None:
        """Until the requests a timer sent before the pause are answered."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        assert not self.in_flight, [r.url for r in self.in_flight]

    def rang(self, topic: str, kind: str) -> bool:
        return any(m["topic"] == topic and m["event"].get("kind") == kind for m in self.events)


def pause(*contexts_and_pages) -> None:
    """Stop each page's clock where it is: from now on no timer fires."""
    for context, page in contexts_and_pages:
        context.clock.pause_at(page.evaluate("Date.now()") + 1)


def test_an_end_user_and_an_agent_chat_over_the_socket_with_no_poll(
    browser, asgi_url_for, axe_check, acme, acme_user, password
):
    base = asgi_url_for(acme)
    ChatSettings.objects.update_or_create(account=acme, defaults={"enabled": True})
    desk = AgentGroupFactory(account=acme, name="Chat desk")
    ChatGroup.objects.create(account=acme, group=desk)
    agent = chat_agent(acme, desk, name="Alan Agent", email="alan@acme.example")

    # The agent, in the workspace; the end user, elsewhere, in the help center. Both
    # contexts on Playwright's clock (running as usual until paused).
    desk_context = browser.new_context(viewport={"width": 1280, "height": 800})
    desk_context.clock.install()
    page = desk_context.new_page()
    desk_watch = Watch(page)
    sign_in(page, base, agent.email, password)
    page.goto(f"{base}/agent/chats/")
    expect(page.locator(".chat-queue")).to_contain_text("Nobody is waiting.")

    customer = browser.new_context(viewport={"width": 1280, "height": 800})
    customer.clock.install()
    portal = customer.new_page()
    visitor_watch = Watch(portal)
    sign_in(portal, base, acme_user.email, password)
    portal.goto(f"{base}/hc/")
    portal.get_by_role("button", name="Chat with us").click()
    dialog = portal.get_by_role("dialog", name="Chat with us")
    dialog.get_by_label("How can we help?").fill("My printer prints blank pages.")
    dialog.get_by_role("button", name="Start chat").click()
    expect(dialog.locator(".chat-messages")).to_contain_text("My printer prints blank pages.")

    queue = page.locator(".chat-queue")
    expect(queue).to_contain_text(acme_user.name, timeout=15_000)
    queue.get_by_role("button", name="Accept").click()
    chat = Chat.objects.for_account(acme).get(visitor=acme_user)
    topic = f"chat:{chat.number}"
    pane = page.locator(f"#chat-{chat.number}")
    expect(pane).to_contain_text("My printer prints blank pages.")

    # Both sockets open, the chat's topic accepted on each.
    for each in (page, portal):
        each.wait_for_function(
            "t => window.SportelloRealtime && SportelloRealtime.accepted(t)",
            arg=topic,
            timeout=15_000,
        )
    # Accessibility checks of the pages loaded so far finish on a running clock.
    while axe_check is not None and axe_check.checking:
        page.wait_for_timeout(50)
    pause((desk_context, page), (customer, portal))
    desk_watch.settle()
    visitor_watch.settle()
    visitor_events, desk_events = len(visitor_watch.events), len(desk_watch.events)

    # The agent writes: the end user's widget shows it, fetched on the socket's ring.
    pane.get_by_label("Your message").fill("Is the toner cartridge sealed?")
    pane.get_by_role("button", name="Send").click()
    expect(dialog.locator(".chat-messages")).to_contain_text("Is the toner cartridge sealed?")
    assert visitor_watch.rang(topic, "message")

    # The end user answers: the agent's pane shows it, and the "Read" marker of the
    # agent's message came by a ring too.
    dialog.get_by_role("textbox", name="Message", exact=True).fill("It is, yes. Thank you!")
    dialog.get_by_role("button", name="Send").click()
    expect(pane).to_contain_text("It is, yes. Thank you!")
    expect(pane.locator("[data-marker]")).to_have_text("Read")
    # Each message once on each side, however many rings asked for it at once.
    for log in (dialog.locator(".chat-messages li"), pane.locator("[data-log] li")):
        for text in ("Is the toner cartridge sealed?", "It is, yes. Thank you!"):
            expect(log.filter(has_text=text)).to_have_count(1)
    assert desk_watch.rang(topic, "message")
    assert len(visitor_watch.events) > visitor_events and len(desk_watch.events) > desk_events
    assert all(m["topic"] == topic or m["topic"] == "chat-queue" for m in desk_watch.events)

    # Time runs again (screenshots wait for animation frames); the socket stayed live.
    desk_context.clock.resume()
    customer.clock.resume()
    assert page.evaluate("SportelloRealtime.live") and portal.evaluate("SportelloRealtime.live")
    screenshot(page, "chat-socket-agent")
    screenshot(portal, "chat-socket-visitor")
    customer.close()
    desk_context.close()
