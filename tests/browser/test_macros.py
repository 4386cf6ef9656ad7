"""Issue 18's macros in Chromium: the admins' list (usage counts, clone, the editor) and
a macro applied to a selection of tickets, private ones named. The journey from a view
to a macro applied to a ticket's form is tests/browser/test_views_and_macros_journey.py."""

import pytest
from playwright.sync_api import expect

from macros.services import macro_create
from tests.browser.conftest import screenshot, sign_in
from tests.factories import AgentGroupFactory, make_ticket

pytestmark = pytest.mark.browser


def test_admin_manages_shared_macros_with_their_usage(
    page, acme_url, acme, acme_admin, acme_agent, acme_user, password
):
    from macros.services import macro_record_use

    billing = AgentGroupFactory(account=acme, name="Billing")
    used = macro_create(
        account=acme,
        actor=acme_admin,
        title="Billing::Refund sent",
        description="The refund is on its way",
        actions=[{"field": "status", "value": "pending"}],
        groups=[billing],
    )
    macro_create(account=acme, actor=acme_admin, title="Greeting", actions=[])
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    macro_record_use(macros=[used, used], user=acme_agent, ticket=ticket)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/macros/")
    row = page.locator("tr", has_text="Billing::Refund sent")
    expect(row).to_contain_text("Billing")
    expect(row.locator("td.num").first).to_have_text("2")
    screenshot(page, "macros-admin-list")
    page.locator("tr", has_text="Greeting").get_by_role("button", name="Clone").click()
    expect(page.get_by_text("Copied as “Greeting (copy)” (inactive).")).to_be_visible()
    screenshot(page, "macros-editor")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the macro editor scrolls sideways by {overflow}px"
    page.get_by_label("Comment text").fill("Hello {{ticket.requester.first_name}}")
    page.get_by_role("button", name="Save macro").click()
    expect(page.locator("tr", has_text="Greeting (copy)")).to_contain_text("Inactive")


def test_agent_applies_a_macro_to_a_selection_and_private_tickets_are_named(
    page, acme_url, acme, acme_admin, acme_agent, acme_user, password
):
    acme.private_tickets_enabled = True
    acme.save()
    macro_create(
        account=acme,
        actor=acme_admin,
        title="Billing::Refund sent",
        actions=[
            {"field": "status", "value": "pending"},
            {"field": "comment_mode_is_public", "value": True},
            {"field": "comment_value", "value": "Refund sent."},
        ],
    )
    public = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Open")
    private = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Quiet", public=False
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/views/3/")
    page.locator("[data-select-all]").check()
    page.get_by_label("Macro", exact=True).select_option(label="Billing::Refund sent")
    screenshot(page, "macros-bulk-bar")
    page.get_by_role("button", name="Apply macro").click()
    expect(page.get_by_text("“Billing::Refund sent” applied to 1 ticket.")).to_be_visible()
    expect(page.get_by_text(f"Ticket #{private.number} was not changed")).to_be_visible()
    screenshot(page, "macros-bulk-result")
    public.refresh_from_db()
    assert public.status == "pending"
