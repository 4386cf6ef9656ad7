"""Views in Chromium (issue 18): an admin builds "Urgent billing" (group Billing,
priority Urgent or High, unsolved), with a wrong condition first; an agent of Billing
finds it in the sidebar with its count and opens it: the right tickets, in the view's
columns and order."""

import pytest
from playwright.sync_api import expect

from accounts.services import group_create
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.browser


def test_admin_builds_urgent_billing_and_an_agent_works_from_it(
    page, acme_url, acme, acme_admin, acme_agent, acme_user, password
):
    billing = group_create(account=acme, name="Billing", agents=[acme_agent])
    group_create(account=acme, name="Technical", agents=[acme_agent])

    def ticket(subject, **fields):
        return make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, subject=subject, **fields
        )

    ticket("Card declined twice", group=billing, priority="urgent")
    ticket("Refund not received", group=billing, priority="high")
    ticket("Invoice address typo", group=billing, priority="low")
    ticket("Server down", priority="urgent")
    solved = ticket("Charged twice (done)", group=billing, priority="urgent")
    ticket_update(ticket=solved, actor=acme_agent, status="solved")

    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/views/")
    rows = page.locator("table.views tbody tr")
    expect(rows).to_have_count(7)  # the seven built-in views, ordinary shared views now
    screenshot(page, "views-admin-list")

    page.get_by_role("link", name="Add view").click()
    page.get_by_label("Title").fill("Urgent billing")
    page.locator("#id_all-0-field").select_option("group_id")
    page.locator("#id_all-0-operator").select_option("is")
    page.locator("#id_all-0-value").select_option(label="Billing")
    page.locator("#id_all-1-field").select_option("status")
    page.locator("#id_all-1-operator").select_option("less_than")
    page.locator("#id_all-1-value").select_option(label="Solved")
    page.locator("#id_any-0-field").select_option("priority")
    page.locator("#id_any-0-operator").select_option("is")
    page.locator("#id_any-0-value").select_option(label="Urgent")
    page.locator("#id_any-1-field").select_option("priority")
    page.locator("#id_any-1-operator").select_option("contains at least one of")  # wrong
    page.locator("#id_any-1-value").select_option(label="High")
    page.get_by_label("Requester").uncheck()
    page.get_by_label("Assignee").uncheck()
    page.get_by_label("Sort by").select_option("priority")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("alert").first).to_contain_text("The field priority takes no operator")
    screenshot(page, "views-editor-invalid")
    page.locator("#id_any-1-operator").select_option("is")
    screenshot(page, "views-editor")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("heading", name="Urgent billing")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, acme_url, acme_agent.email, password)
    link = page.locator(".sidenav a", has_text="Urgent billing")
    expect(link.locator(".count")).to_have_text("2")
    link.click()
    expect(page.get_by_role("heading", name="Urgent billing")).to_be_visible()
    subjects = page.locator("table.tickets tbody a.ticket-link").all_inner_texts()
    assert subjects == ["Card declined twice", "Refund not received"]  # urgent first
    headers = " ".join(page.locator("table.tickets thead th").all_text_contents())
    assert "Requester" not in headers and "Assignee" not in headers and "Group" in headers
    screenshot(page, "views-agent-urgent-billing")
    # The bulk bar and the hover summary stay.
    page.get_by_label("Select ticket #1").check()
    expect(page.locator("[data-selected-count]")).to_have_text("1")
    title = page.locator("tr.ticket-row").first.get_attribute("title")
    assert title.startswith("Priority: Urgent")
    assert errors == []
