"""Custom statuses in Chromium (issue 19): an admin adds "Awaiting parts" in Pending; an
agent picks it from the ticket's status select (grouped by category); the requester reads
its end-user label in the help center."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.browser


def test_admin_adds_a_status_an_agent_uses_it_the_requester_reads_its_own_label(
    page, browser, acme_url, acme, acme_admin, acme_agent, acme_user, password
):
    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, assignee=acme_agent
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/statuses/")
    page.select_option("#id_category", "pending")
    page.fill("#id_agent_label", "Awaiting parts")
    page.fill("#id_end_user_label", "Parts on their way")
    page.get_by_role("button", name="Add status").click()
    expect(page.get_by_text("Status “Awaiting parts” added.")).to_be_visible()
    screenshot(page, "custom-statuses-settings")

    agent = browser.new_context(viewport={"width": 1280, "height": 900})
    agent_page = agent.new_page()
    sign_in(agent_page, acme_url, acme_agent.email, password)
    agent_page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    agent_page.select_option("#side_status", label="Awaiting parts")
    agent_page.locator("form[action$='/fields/'] button[type=submit]").first.click()
    expect(agent_page.locator(".ticket-badges .badge").first).to_have_text("Awaiting parts")
    screenshot(agent_page, "custom-statuses-ticket")
    agent.close()

    user = browser.new_context(viewport={"width": 1280, "height": 900})
    user_page = user.new_page()
    sign_in(user_page, acme_url, acme_user.email, password)
    user_page.goto(f"{acme_url}/hc/requests/{ticket.number}/")
    expect(user_page.get_by_text("Parts on their way").first).to_be_visible()
    assert "Awaiting parts" not in user_page.content()
    screenshot(user_page, "custom-statuses-help-center")
    user.close()
