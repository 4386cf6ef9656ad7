"""Issue 22: @mention completion in the internal-note box: typing "@be" offers the
account's agents by name, Enter inserts the handle, and the mentioned agent's bell
counts the note."""

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from tests.browser.conftest import screenshot, sign_in
from tests.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.browser


def test_mention_completion_in_an_internal_note(
    page, acme_url, acme, acme_agent, acme_user, password
):
    bea = AgentFactory(account=acme, email="bea@acme.example", name="Bea Smith")
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Printer jams")
    page.set_viewport_size({"width": 1280, "height": 1000})
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    page.locator("#reply label.seg-internal").click()
    box = page.locator("#reply textarea[name=body]")
    box.click()
    box.press_sequentially("Could you check this, @be")
    menu = page.locator("#mention-menu")
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("Bea Smith (@bea)")
    expect(menu).not_to_contain_text("Uma User")
    screenshot(page, "mention-menu")
    box.press("Enter")
    expect(box).to_have_value("Could you check this, @bea ")
    expect(menu).to_be_hidden()
    page.locator("#reply .split-submit > button").click()
    expect(page.locator(".conversation")).to_contain_text("Could you check this, @bea")
    assert Notification.objects.for_account(acme).filter(recipient=bea, kind="mention").count() == 1
