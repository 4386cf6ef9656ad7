"""Changing a ticket's requester works like choosing one on the new-ticket form: the same
type-ahead, in the ticket page's sidebar (issue 15, item 16)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import EndUserFactory, make_ticket

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_agent_changes_the_requester_through_the_type_ahead(
    page, acme_url, acme, acme_agent, acme_user, password, width
):
    EndUserFactory(account=acme, name="Bea Buyer", email="bea@customer.example")
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Boxes")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    field = page.locator("#requester-field")
    expect(field).to_contain_text(acme_user.name)
    field.get_by_role("link", name="Change").click()
    search = page.get_by_role("combobox", name="Requester")
    expect(search).to_be_focused()  # where the agent types next
    search.fill("Bea")
    option = page.get_by_role("option", name="Bea Buyer")
    expect(option).to_be_visible()
    screenshot(page, f"agent-ticket-requester-typeahead-{width}")
    option.click()
    expect(field.locator(".requester-chip")).to_contain_text("bea@customer.example")
    page.get_by_role("button", name="Update ticket").click()
    expect(page.get_by_text("Ticket updated.")).to_be_visible()
    expect(page.locator(".ticket-crumb")).to_contain_text("Bea Buyer")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the ticket page scrolls sideways by {overflow}px"
