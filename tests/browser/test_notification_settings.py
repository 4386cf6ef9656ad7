"""Notification settings and forwarding in Chromium: an admin turns a trigger off,
reorders and edits one, creates one (an invalid try first), reads the delivery log;
an agent forwards a ticket from its page."""

import pytest
from playwright.sync_api import expect

from notifications.models import Delivery, Trigger
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.browser


def test_admin_manages_triggers_and_reads_the_delivery_log(
    page, acme_url, acme, acme_admin, acme_user, password
):
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/triggers/")
    expect(page.get_by_role("link", name="Triggers")).to_have_attribute("aria-current", "page")
    rows = page.locator("table.triggers tbody tr")
    expect(rows).to_have_count(8)  # the defaults (notifications.defaults), one per row
    screenshot(page, "notifications-triggers")

    group_row = rows.filter(has_text="Notify group of assignment")
    group_row.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("“Notify group of assignment” is off.")).to_be_visible()
    assert not Trigger.objects.for_account(acme).get(name="Notify group of assignment").active

    page.get_by_role("button", name="Move Notify requester of solved request up").click()
    names = page.locator("table.triggers tbody tr td:nth-child(2) a").all_inner_texts()
    assert names.index("Notify requester of solved request") == 5

    page.get_by_role("link", name="Notify requester of solved request").click()
    page.get_by_label("Email subject").first.fill("All done: {{ticket.title}}")
    screenshot(page, "notifications-trigger-edit")
    page.get_by_role("button", name="Save trigger").click()
    expect(page.get_by_text("Trigger “Notify requester of solved request” saved.")).to_be_visible()

    page.get_by_role("link", name="Add trigger").click()
    page.get_by_label("Name", exact=True).fill("Urgent to the boss")
    page.locator("#cond-0-field").select_option("priority")
    page.locator("#cond-0-operator").select_option("is")
    page.locator("#cond-0-value").fill("whenever")
    page.locator("#act-0-action").select_option("email_address")
    page.locator("#act-0-value").fill("boss@acme.example")
    page.get_by_label("Email subject").first.fill("Urgent: {{ticket.title}}")
    page.get_by_label("Body (an email’s, or a webhook’s JSON)").first.fill("{{ticket.url}}")
    page.get_by_role("button", name="Create trigger").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a value of Priority")
    screenshot(page, "notifications-trigger-invalid")
    page.locator("#cond-0-value").fill("urgent")
    page.get_by_role("button", name="Create trigger").click()
    expect(page.locator("table.triggers")).to_contain_text("Urgent to the boss")

    make_ticket(account=acme, submitter=acme_user, subject="Paper jam")
    page.get_by_role("link", name="Email deliveries").click()
    expect(page.locator("table.deliveries")).to_contain_text("[Request received] Paper jam")
    screenshot(page, "notifications-deliveries")
    page.get_by_role("link", name="Incoming").click()
    expect(page.locator("table.inbound")).to_contain_text("No incoming email yet.")
    assert errors == []


def test_agent_forwards_a_ticket(page, acme_url, acme, acme_agent, acme_user, password):
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Broken invoice")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    page.get_by_role("link", name="Forward").click()
    expect(page.get_by_label("Subject")).to_have_value("Fwd: Broken invoice")
    page.get_by_label("Email addresses").fill("accountant@partner.example")
    page.get_by_label("Message").fill("Can you check this invoice?")
    screenshot(page, "notifications-forward")
    page.get_by_role("button", name="Forward").click()
    expect(page.get_by_text("Ticket forwarded to accountant@partner.example.")).to_be_visible()
    forwarded = Delivery.objects.for_account(acme).get(kind=Delivery.Kind.FORWARD)
    assert forwarded.to_email == "accountant@partner.example"
