"""The rows' quick actions in Chromium, now that a row carries only its number and stamp
and static/js/agent.js copies the page's one set of menus into it: a row's action
changes that row's ticket, the keyboard reaches the menus (Tab from the row's link) and
keeps its place when the row is swapped, and a ticket changed since the page was read is
not overwritten."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import EndUserFactory, make_ticket
from tickets.models import CustomStatus, Ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.browser


def test_a_rows_quick_action_acts_on_that_rows_ticket(page, acme_url, acme, acme_agent, password):
    requester = EndUserFactory(account=acme, name="Giulia Rossi")
    first, second = (
        make_ticket(
            account=acme,
            submitter=acme_agent,
            requester=requester,
            subject=subject,
            assignee=acme_agent,
        )
        for subject in ("Printer jams on page two", "VPN drops every hour")
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/")
    first_row, second_row = (
        page.locator(f"tr#row-{first.number}"),
        page.locator(f"tr#row-{second.number}"),
    )
    expect(first_row.locator("select")).to_have_count(0)  # nothing until the row is entered

    second_row.hover()
    snooze = second_row.locator(f"#quick-snooze-{second.number}")
    expect(snooze.locator("option")).to_have_count(5)
    expect(second_row.locator(".quick-actions")).to_have_attribute(
        "aria-label", f"Quick actions for #{second.number}"
    )
    expect(first_row.locator("select")).to_have_count(0)  # only the entered row
    screenshot(page, "quick-actions-row-open-1280")
    with page.expect_response(lambda r: r.url.endswith("/quick/")) as answer:
        snooze.select_option("1:days")
    assert answer.value.url.endswith(f"/agent/tickets/{second.number}/quick/")
    assert answer.value.status == 200
    expect(page.locator(f"#quick-snooze-{second.number}")).to_have_value("")
    tickets = Ticket.objects.for_account(acme)
    assert tickets.get(pk=second.pk).snoozed_until is not None
    assert tickets.get(pk=first.pk).snoozed_until is None

    # The keyboard: Tab from the row's link reaches its first menu, and after a change the
    # swapped row's same menu has the focus again.
    first_row.locator("a.ticket-link").focus()
    page.keyboard.press("Tab")
    group = page.locator(f"#quick-group-{first.number}")
    expect(group).to_be_focused()
    page.keyboard.press("Tab")
    stage = page.locator(f"#quick-status-{first.number}")
    expect(stage).to_be_focused()
    pending = CustomStatus.objects.for_account(acme).get(category="pending", is_default=True)
    with page.expect_response(lambda r: r.url.endswith(f"/{first.number}/quick/")) as answer:
        stage.select_option(str(pending.number))
    assert answer.value.status == 200
    expect(page.locator(f"tr#row-{first.number} .badge.status-pending")).to_be_visible()
    expect(page.locator(f"#quick-status-{first.number}")).to_be_focused()
    assert tickets.get(pk=first.pk).status == Ticket.Status.PENDING


def test_a_ticket_changed_since_the_page_was_read_is_not_overwritten(
    page, acme_url, acme, acme_agent, password
):
    requester = EndUserFactory(account=acme, name="Giulia Rossi")
    ticket = make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=requester,
        subject="Invoice is wrong",
        assignee=acme_agent,
    )
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/")
    ticket_update(ticket=ticket, actor=acme_agent, priority="urgent")  # someone else, meanwhile
    row = page.locator(f"tr#row-{ticket.number}")
    row.hover()
    with page.expect_response(lambda r: r.url.endswith(f"/{ticket.number}/quick/")) as answer:
        row.locator(f"#quick-snooze-{ticket.number}").select_option("1:days")
    assert answer.value.status == 409
    after = Ticket.objects.for_account(acme).get(pk=ticket.pk)
    assert (after.snoozed_until, after.priority) == (None, "urgent")
    # The refusal is shown (htmx 2 swaps no 4xx by itself: static/js/agent.js does), in
    # the row as it is now, whose menus work again with its new stamp.
    alert = page.locator(f"tr#row-{ticket.number} [role=alert]")
    expect(alert).to_have_text("This ticket was changed meanwhile: nothing was applied.")
    expect(page.locator(f"tr#row-{ticket.number} .priority-urgent")).to_be_visible()
    screenshot(page, "quick-actions-row-conflict")
    page.locator(f"tr#row-{ticket.number}").hover()
    with page.expect_response(lambda r: r.url.endswith(f"/{ticket.number}/quick/")) as again:
        page.locator(f"#quick-snooze-{ticket.number}").select_option("1:days")
    assert again.value.status == 200
    expect(page.locator(f"tr#row-{ticket.number} [role=alert]")).to_have_count(0)
