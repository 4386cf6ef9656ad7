"""Issue 22, two agents in two browser contexts: both open the same ticket and see each
other; A changes the priority and replies; B's later submit shows the conflict with A's
change and keeps B's text; then B merges a duplicate into the ticket. Along the way B
follows the ticket, and A's reply reaches B's bell."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.browser

B_TEXT = "Hello, I have checked the printer logs for you."


def _open(browser, acme_url, user, password, path):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in(page, acme_url, user.email, password)
    page.goto(f"{acme_url}{path}")
    return page


def test_two_agents_on_one_ticket(browser, acme_url, acme, acme_agent, acme_user, password):
    bea = AgentFactory(account=acme, email="bea@acme.example", name="Bea Smith")
    bea.set_password(password)
    bea.save()
    ticket = make_ticket(
        account=acme, submitter=acme_user, subject="Printer jams", body="It jams on page 2."
    )
    duplicate = make_ticket(
        account=acme, submitter=acme_user, subject="Printer jams (again)", body="Still jams."
    )
    path = f"/agent/tickets/{ticket.number}/"
    a = _open(browser, acme_url, acme_agent, password, path)
    b = _open(browser, acme_url, bea, password, path)
    # B's first beat finds A; A's page shows B at its next beat (a reload beats at once).
    expect(b.locator("#presence")).to_contain_text("Alan Agent")
    a.reload()
    expect(a.locator("#presence")).to_contain_text("Bea Smith")
    # B follows the ticket (the button answers in place).
    b.get_by_role("button", name="Follow", exact=True).click()
    expect(b.get_by_role("button", name="Unfollow")).to_be_visible()
    screenshot(b, "two-agents-b-sees-a")

    # A raises the priority, then replies.
    a.locator("#ticket-fields select[name=priority]").select_option("high")
    a.get_by_role("button", name="Update ticket").click()
    expect(a.locator(".priority-badge")).to_contain_text("High")
    a.locator("#reply textarea[name=body]").fill("We are looking into it.")
    a.locator("#reply .split-submit > button").click()
    expect(a.locator(".conversation")).to_contain_text("We are looking into it.")

    # B, on the page loaded before A's changes, writes and submits a reply.
    b.locator("#reply textarea[name=body]").fill(B_TEXT)
    b.locator("#reply .split-submit > button").click()
    conflict = b.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Alan Agent")
    expect(conflict).to_contain_text("High")
    expect(conflict).to_contain_text("We are looking into it.")
    expect(b.locator("#reply textarea[name=body]")).to_have_value(B_TEXT)
    screenshot(b, "two-agents-b-conflict")
    # A's reply reached B's bell (B follows the ticket).
    expect(b.locator(".bell-count")).to_contain_text("1")
    b.get_by_role("button", name="Submit anyway").click()
    expect(b.locator(".conversation")).to_contain_text(B_TEXT)

    # B merges the duplicate into the ticket.
    b.goto(f"{acme_url}/agent/tickets/{duplicate.number}/")
    b.get_by_role("link", name="Merge into another ticket").click()
    b.get_by_label("Merge into ticket number").fill(str(ticket.number))
    b.get_by_role("button", name="Continue").click()
    b.get_by_role("button", name="Merge", exact=True).click()
    expect(b.get_by_text(f"1 ticket merged into #{ticket.number}.")).to_be_visible()
    expect(b.locator(".conversation")).to_contain_text("Still jams.")
    screenshot(b, "two-agents-b-merged")

    # B's notifications page lists A's reply.
    b.locator("a.bell").click()
    expect(b.locator(".notification-list")).to_contain_text("Alan Agent replied on #")
    screenshot(b, "two-agents-b-notifications")
