"""Issue 28's agent side in Chromium: the chat workspace with a chat waiting and one in
progress; the agent replies without a reload, the visitor's answer arrives by polling
(no realtime client here), and the Delivered/Read marker follows the visitor's."""

import pytest
from playwright.sync_api import expect

from chat.models import Chat
from chat.services import agents
from chat.services.core import message_post
from tests.browser.conftest import screenshot, sign_in
from tests.chat.conftest import chat_agent, desk_group
from tests.factories import EndUserFactory

pytestmark = pytest.mark.browser


def test_agent_works_the_chat_queue_and_a_chat_in_progress(page, acme_url, acme, password):
    desk = desk_group(acme)
    agent = chat_agent(acme, desk, name="Alan Agent", email="alan@acme.example")
    chat_agent(acme, desk, name="Bea Colleague")
    waiting = EndUserFactory(account=acme, name="Wendy Waiting")
    visitor = EndUserFactory(account=acme, name="Uma User")
    Chat.objects.create(
        account=acme, visitor=waiting, group=desk, page_url="/hc/articles/12-reset-password/"
    )
    chat = agents.chat_accept(
        agent=agent, chat=Chat.objects.create(account=acme, visitor=visitor, group=desk)
    )
    message_post(chat=chat, author=visitor, body="My printer prints blank pages.", kind="visitor")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, agent.email, password)
    page.goto(f"{acme_url}/agent/chats/")
    expect(page.locator(".chat-queue")).to_contain_text("Wendy Waiting")
    pane = page.locator(f"#chat-{chat.number}")
    expect(pane).to_contain_text("My printer prints blank pages.")
    expect(page.locator("#chat-topbar")).to_contain_text("Available for chat")
    pane.get_by_label("Your message").fill("Is the toner cartridge sealed?")
    pane.get_by_role("button", name="Send").click()
    expect(pane.locator(".chat-msg-agent")).to_contain_text("Is the toner cartridge sealed?")
    expect(pane.locator("[data-marker]")).to_have_text("Sent")
    chat.refresh_from_db()
    message_post(chat=chat, author=visitor, body="Oh. It is, yes.", kind="visitor")
    expect(pane).to_contain_text("Oh. It is, yes.", timeout=10_000)
    expect(pane.locator("[data-marker]")).to_have_text("Read")
    expect(pane.get_by_label("Agent")).to_contain_text("Bea Colleague")
    screenshot(page, "chat-desk-workspace")
