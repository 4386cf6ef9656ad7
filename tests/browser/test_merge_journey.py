"""Issue 22: an agent merges a duplicate (a second email from the same customer) into the
ticket from the duplicate's page; the target shows the duplicate's conversation and the
link, the duplicate is closed with its note."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket
from tickets.services import comment_add

pytestmark = pytest.mark.browser


def test_agent_merges_a_duplicate_into_the_ticket(
    page, acme_url, acme, acme_agent, acme_user, password
):
    ticket = make_ticket(
        account=acme, submitter=acme_user, subject="Printer jams", body="It jams on page 2."
    )
    duplicate = make_ticket(
        account=acme,
        submitter=acme_user,
        subject="Printer jams (again)",
        body="Sending this again: it still jams.",
    )
    comment_add(ticket=duplicate, author=acme_agent, body="Checking the logs.", public=False)
    page.set_viewport_size({"width": 1280, "height": 1000})
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/tickets/{duplicate.number}/")
    page.get_by_role("link", name="Merge into another ticket").click()

    page.get_by_label("Merge into ticket number").fill(str(ticket.number))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(f"Into #{ticket.number} Printer jams")).to_be_visible()
    # Same requester, same organization: no question about CCs, no warning.
    expect(page.get_by_text("cannot see the target ticket now")).to_have_count(0)
    expect(page.get_by_text("different organizations")).to_have_count(0)
    screenshot(page, "merge-preview")
    page.get_by_role("button", name="Merge", exact=True).click()

    expect(page.get_by_text(f"1 ticket merged into #{ticket.number}.")).to_be_visible()
    conversation = page.locator(".conversation")
    expect(conversation).to_contain_text("Sending this again: it still jams.")
    expect(conversation).to_contain_text("Checking the logs.")
    expect(conversation).to_contain_text(f"Merged into this ticket: #{duplicate.number}.")
    links = page.locator(".ticket-links")
    expect(links).to_contain_text("Merged in")
    expect(links).to_contain_text(f"#{duplicate.number} Printer jams (again)")
    screenshot(page, "merge-target")

    page.goto(f"{acme_url}/agent/tickets/{duplicate.number}/")
    expect(page.get_by_text("This ticket is closed")).to_be_visible()
    expect(page.locator(".conversation")).to_contain_text(
        f"This ticket was closed and merged into #{ticket.number}."
    )
    expect(page.locator(".ticket-links")).to_contain_text(f"Merged into #{ticket.number}")
    screenshot(page, "merge-source-closed")
