"""Files in a chat, in Chromium (issue 28: "attachments within the account's rules"): in
a running chat the end user attaches an empty file (refused, with the reason, the typed
text still in the box), then a real one; the agent's pane shows its link and sends a
file back, which the end user's widget shows. By polling (the live server serves no
sockets)."""

import pytest
from playwright.sync_api import expect

from chat.models import Chat, ChatGroup, ChatSettings
from chat.services.agents import chat_accept
from chat.services.core import message_post
from tests.browser.conftest import screenshot, sign_in
from tests.chat.conftest import chat_agent
from tests.factories import AgentGroupFactory

pytestmark = pytest.mark.browser


def test_both_sides_send_files_and_an_empty_one_is_refused(
    browser, page, acme_url, acme, acme_user, password
):
    ChatSettings.objects.update_or_create(account=acme, defaults={"enabled": True})
    desk = AgentGroupFactory(account=acme, name="Chat desk")
    ChatGroup.objects.create(account=acme, group=desk)
    agent = chat_agent(acme, desk, name="Alan Agent", email="alan@acme.example")
    chat = Chat.objects.create(account=acme, visitor=acme_user, group=desk)
    message_post(chat=chat, author=acme_user, body="My printer again.", kind="visitor")
    chat_accept(agent=agent, chat=chat)

    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, agent.email, password)
    page.goto(f"{acme_url}/agent/chats/")
    pane = page.locator(f"#chat-{chat.number}")
    expect(pane).to_contain_text("My printer again.")

    customer = browser.new_context(viewport={"width": 1280, "height": 800})
    portal = customer.new_page()
    sign_in(portal, acme_url, acme_user.email, password)
    portal.goto(f"{acme_url}/hc/")
    portal.get_by_role("button", name="Chat with us").click()
    dialog = portal.get_by_role("dialog", name="Chat with us")
    expect(dialog.locator(".chat-messages")).to_contain_text("My printer again.")

    box = dialog.get_by_role("textbox", name="Message", exact=True)
    box.fill("Here is the error log.")
    picker = dialog.locator(".chat-compose").get_by_label("Attach files")
    picker.set_input_files({"name": "error.txt", "mimeType": "text/plain", "buffer": b""})
    dialog.get_by_role("button", name="Send").click()
    expect(dialog.locator(".chat-error")).to_contain_text("“error.txt” is empty.")
    expect(box).to_have_value("Here is the error log.")

    picker.set_input_files(
        {"name": "error.txt", "mimeType": "text/plain", "buffer": b"E42 paper jam\n"}
    )
    dialog.get_by_role("button", name="Send").click()
    expect(dialog.locator(".chat-files")).to_contain_text("error.txt")
    expect(box).to_have_value("")

    expect(pane.get_by_role("link", name="error.txt")).to_be_visible(timeout=15_000)
    pane.get_by_label("Attach files").set_input_files(
        {"name": "steps.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 steps"}
    )
    pane.get_by_role("button", name="Send").click()
    expect(pane.get_by_role("link", name="steps.pdf")).to_be_visible(timeout=15_000)
    link = dialog.get_by_role("link", name="steps.pdf")
    expect(link).to_be_visible(timeout=15_000)
    with portal.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "steps.pdf"
    screenshot(page, "chat-files-agent")
    screenshot(portal, "chat-files-visitor")
    customer.close()
