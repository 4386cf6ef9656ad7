"""Issue 18's journey in Chromium: an admin builds a view "Urgent billing" (group
Billing, priority Urgent or High, unsolved) through the editor, with a wrong condition
first; an agent of Billing finds it in the sidebar with its count, opens it (the right
tickets, in the view's columns and severity order, with the bulk bar and the hover
summary), opens a ticket from it, applies a macro to the form from the type-ahead (by
keyboard; Undo puts the form back; a second macro appends its text), edits the text and
submits; the ticket's Activity shows the macro's changes. (tests/browser/test_macros.py:
the admins' macro list and a macro applied to a selection.)"""

import pytest
from playwright.sync_api import expect

from accounts.services import group_create
from macros.services import macro_create
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.browser


def test_admin_builds_urgent_billing_and_an_agent_works_a_ticket_from_it_with_a_macro(
    page, acme_url, acme, acme_admin, acme_agent, acme_user, password
):
    billing = group_create(account=acme, name="Billing", agents=[acme_agent])
    group_create(account=acme, name="Technical", agents=[acme_agent])
    macro_create(
        account=acme,
        actor=acme_admin,
        title="Billing::Refund sent",
        actions=[
            {"field": "status", "value": "pending"},
            {"field": "priority", "value": "urgent"},
            {"field": "assignee_id", "value": "current_user"},
            {"field": "current_tags", "value": "refund"},
            {"field": "comment_mode_is_public", "value": True},
            {
                "field": "comment_value",
                "value": "Hi {{ticket.requester.first_name}}, your refund for "
                "#{{ticket.id}} is on its way.",
            },
        ],
    )
    macro_create(
        account=acme,
        actor=acme_admin,
        title="Greeting",
        actions=[{"field": "comment_value", "value": "Thanks for writing to us."}],
    )

    def ticket(subject, **fields):
        return make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, subject=subject, **fields
        )

    ticket("Refund not received", group=billing, priority="high")
    ticket("Card declined twice", group=billing, priority="urgent")
    ticket("Invoice address typo", group=billing, priority="low")
    ticket("Server down", priority="urgent")
    solved = ticket("Charged twice (done)", group=billing, priority="urgent")
    ticket_update(ticket=solved, actor=acme_agent, status="solved")

    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The admin builds the view.
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/views/")
    rows = page.locator("table.views tbody tr")
    expect(rows).to_have_count(8)  # the eight built-in views (Snoozed since issue 20)
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

    # An agent of Billing opens it from the sidebar.
    page.context.clear_cookies()
    sign_in(page, acme_url, acme_agent.email, password)
    link = page.locator(".sidenav a", has_text="Urgent billing")
    expect(link.locator(".count")).to_have_text("2")
    link.click()
    expect(page.get_by_role("heading", name="Urgent billing")).to_be_visible()
    subjects = page.locator("table.tickets tbody a.ticket-link").all_inner_texts()
    assert subjects == ["Card declined twice", "Refund not received"]  # by severity
    headers = " ".join(page.locator("table.tickets thead th").all_text_contents())
    assert "Requester" not in headers and "Assignee" not in headers and "Group" in headers
    screenshot(page, "views-agent-urgent-billing")
    # The bulk bar and the hover summary stay.
    page.get_by_label("Select ticket #2").check()
    expect(page.locator("[data-selected-count]")).to_have_text("1")
    title = page.locator("tr.ticket-row").first.get_attribute("title")
    assert title.startswith("Priority: Urgent")

    # A ticket from the view, worked with a macro applied to the form.
    page.get_by_role("link", name="Refund not received").click()
    expect(page.get_by_role("heading", name="Refund not received")).to_be_visible()
    # The picker listens once its deferred script has run: typing before the page's load
    # event (a slow static file on a busy machine) would go unheard.
    page.wait_for_load_state("load")
    undo = page.get_by_role("button", name="Undo macros")
    expect(undo).to_be_hidden()
    picker = page.get_by_role("combobox", name="Apply macro")
    picker.fill("refund")
    expect(page.get_by_role("option", name="Refund sent")).to_be_visible()
    expect(page.get_by_role("option", name="Greeting")).to_be_hidden()
    screenshot(page, "macro-picker-typeahead")
    picker.press("Enter")  # the keyboard picks the highlighted macro

    body = page.locator("#reply textarea[name=body]")
    expect(body).to_have_value("Hi Uma, your refund for #1 is on its way.")
    expect(page.locator("#side_priority")).to_have_value("urgent")
    expect(page.locator("#side_tags")).to_have_value("refund")
    expect(page.locator("#reply .split-submit > button")).to_have_text("Submit as Pending")
    # Undo puts the form back; nothing was saved.
    undo.click()
    expect(body).to_have_value("")
    expect(page.locator("#reply .split-submit > button")).to_have_text("Submit as New")
    expect(page.locator("#side_priority")).to_have_value("high")
    picker.fill("refund")
    page.get_by_role("option", name="Refund sent").click()
    expect(body).to_have_value("Hi Uma, your refund for #1 is on its way.")
    # A second macro appends its text.
    picker.fill("greet")
    page.get_by_role("option", name="Greeting").click()
    expect(body).to_have_value(
        "Hi Uma, your refund for #1 is on its way.\n\nThanks for writing to us."
    )
    body.fill(body.input_value() + " Thanks for your patience!")
    screenshot(page, "macro-applied-to-the-form")
    page.locator("#reply").get_by_role("button", name="Submit as").first.click()

    expect(page.get_by_text("Ticket updated.")).to_be_visible()
    conversation = page.locator(".conversation")
    expect(conversation).to_contain_text("Hi Uma, your refund for #1 is on its way.")
    expect(conversation).to_contain_text("Thanks for writing to us. Thanks for your patience!")
    page.get_by_role("link", name="Activity").click()
    activity = page.locator("main")
    for text in ("Pending", "Urgent", acme_agent.name, "refund"):
        expect(activity).to_contain_text(text)
    screenshot(page, "macro-activity")
    assert errors == []
