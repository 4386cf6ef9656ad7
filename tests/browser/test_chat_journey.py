"""Issue 28's journey with both people in Chromium, each in their own browser context:
an end user opens the help center's chat, an agent accepts it in the workspace, they
write to each other (by polling: the live server serves no sockets, which is the
fallback every page must survive; test_chat_socket_journey.py chats over daphne's
sockets), the end user ends it, and the transcript is the first comment of a chat
ticket: on the agent's ticket page and on the end user's request page."""

import re

import pytest
from playwright.sync_api import expect

from chat.models import Chat
from tests.browser.conftest import screenshot, sign_in
from tests.chat.conftest import chat_agent, chat_offer, desk_group

pytestmark = pytest.mark.browser


def test_an_end_user_and_an_agent_chat_and_the_transcript_is_a_ticket(
    browser, page, acme_url, acme, acme_user, password
):
    chat_offer(acme)
    desk = desk_group(acme)
    agent = chat_agent(acme, desk, name="Alan Agent", email="alan@acme.example")

    # The agent, in the workspace, available.
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, agent.email, password)
    page.goto(f"{acme_url}/agent/chats/")
    expect(page.locator(".chat-queue")).to_contain_text("Nobody is waiting.")

    # The end user, elsewhere, in the help center.
    customer = browser.new_context(viewport={"width": 1280, "height": 800})
    portal = customer.new_page()
    sign_in(portal, acme_url, acme_user.email, password)
    portal.goto(f"{acme_url}/hc/")
    portal.get_by_role("button", name="Chat with us").click()
    dialog = portal.get_by_role("dialog", name="Chat with us")
    dialog.get_by_label("How can we help?").fill("My printer prints blank pages.")
    dialog.get_by_role("button", name="Start chat").click()
    expect(dialog.locator(".chat-messages")).to_contain_text("My printer prints blank pages.")

    # The agent sees it waiting (the queue polls) and accepts it.
    queue = page.locator(".chat-queue")
    expect(queue).to_contain_text(acme_user.name, timeout=15_000)
    queue.get_by_role("button", name="Accept").click()
    chat = Chat.objects.for_account(acme).get(visitor=acme_user)
    pane = page.locator(f"#chat-{chat.number}")
    expect(pane).to_contain_text("My printer prints blank pages.")
    pane.get_by_label("Your message").fill("Is the toner cartridge sealed?")
    pane.get_by_role("button", name="Send").click()

    # The end user reads the answer and replies; the agent sees the reply and the marker.
    expect(dialog.locator(".chat-messages")).to_contain_text(
        "Is the toner cartridge sealed?", timeout=15_000
    )
    dialog.get_by_role("textbox", name="Message", exact=True).fill("It is, yes. Thank you!")
    dialog.get_by_role("button", name="Send").click()
    expect(pane).to_contain_text("It is, yes. Thank you!", timeout=15_000)
    expect(pane.locator("[data-marker]")).to_have_text("Read", timeout=15_000)
    screenshot(page, "chat-journey-agent")
    screenshot(portal, "chat-journey-visitor")

    # The end user ends it: the transcript becomes the chat ticket's first comment.
    dialog.get_by_role("button", name="End chat").click()
    expect(dialog).to_contain_text("The chat has ended.")
    chat.refresh_from_db()
    assert chat.state == Chat.State.ENDED and chat.ticket is not None
    ticket = chat.ticket
    assert (ticket.channel, ticket.assignee_id, ticket.group_id) == ("chat", agent.pk, desk.pk)

    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    conversation = page.locator("main")
    expect(conversation).to_contain_text(re.compile(r"Alan Agent: Is the toner cartridge sealed\?"))
    expect(conversation).to_contain_text(f"{acme_user.name}: It is, yes. Thank you!")

    portal.goto(f"{acme_url}/hc/requests/{ticket.number}/")
    expect(portal.locator("main")).to_contain_text("Via chat")
    expect(portal.locator("main")).to_contain_text("Alan Agent: Is the toner cartridge sealed?")
    screenshot(portal, "chat-journey-transcript")
    customer.close()
