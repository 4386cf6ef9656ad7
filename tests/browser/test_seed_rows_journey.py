"""Issue 27 in Chromium: an agent Explain & Closes a ticket with a root cause; the list
shows activity statuses, and a quick action on a row (hover) postpones a ticket, the row
updating in place."""

import pytest
from playwright.sync_api import expect

from closing.services import reason_create
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services.saved_views import view_create

pytestmark = pytest.mark.browser


def test_explain_and_close_and_a_quick_postpone_from_the_list(
    page, acme_url, acme, acme_agent, acme_user, password
):
    closing = make_ticket(
        account=acme, submitter=acme_user, requester=acme_user, subject="VPN drops hourly"
    )
    later = make_ticket(
        account=acme, submitter=acme_user, requester=acme_user, subject="New laptop request"
    )
    reason_create(account=acme, title="Fixed")
    view = view_create(
        account=acme,
        actor=acme_agent,
        title="Activity",
        conditions={"all": [{"field": "status", "operator": "less_than", "value": "solved"}]},
        columns=["number", "subject", "requester", "status", "activity", "updated"],
        visibility="personal",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_agent.email, password)

    page.goto(f"{acme_url}/agent/tickets/{closing.number}/")
    page.get_by_role("link", name="Explain & Close").click()
    page.select_option("#id_reason", label="Fixed")
    page.select_option("#id_root_cause", label="Network")
    page.fill("#id_explanation", "The office switch was replaced; the VPN holds now.")
    screenshot(page, "explain-close-form")
    page.get_by_role("button", name="Explain & Close").click()
    expect(page.get_by_text("Ticket closed; the explanation was sent.")).to_be_visible()
    screenshot(page, "explain-close-done")
    assert Ticket.objects.for_account(acme).get(pk=closing.pk).is_closed

    page.goto(f"{acme_url}/agent/views/{view.number}/")
    row = page.locator(f"tr#row-{later.number}")
    expect(row.locator(".badge.activity-unread")).to_have_text("Unread")
    row.hover()
    expect(row.locator(".quick-actions")).to_be_visible()
    screenshot(page, "quick-actions-hover")
    with page.expect_response(lambda r: r.url.endswith(f"/{later.number}/quick/")) as answer:
        row.locator(f"#quick-snooze-{later.number}").select_option("1:days")
    assert answer.value.status == 200
    # The row is swapped in place (no page load): the same page, a fresh row.
    expect(page.locator(f"tr#row-{later.number} #quick-snooze-{later.number}")).to_have_value("")
    assert Ticket.objects.for_account(acme).get(pk=later.pk).snoozed_until is not None
    screenshot(page, "quick-actions-postponed")
    # The menus are the page's, copied into a row when the keyboard reaches it too.
    stage = page.locator(f"tr#row-{later.number} #quick-status-{later.number}")
    stage.focus()
    expect(stage.locator("option")).not_to_have_count(1)
