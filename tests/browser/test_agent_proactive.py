"""The proactive flow in Chromium, as an agent: a public ticket for a brand-new user
added inline; private creation switched on; a private ticket ("Internal note" is the
default) with an internal note; a public reply that makes it public; and the requester,
in the help center, seeing the ticket only after that reply."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import screenshot, sign_in
from tests.factories import EndUserFactory

pytestmark = pytest.mark.browser


def open_new_ticket_form(page):
    # Seed 000: hover over "+ Add" in the top bar, then choose Ticket.
    page.get_by_role("button", name="+ Add").hover()
    page.locator(".add-menu").get_by_role("link", name="Ticket", exact=True).click()
    expect(page.get_by_role("heading", name="New ticket")).to_be_visible()


def submit_reply(page):
    page.locator("#reply").get_by_role("button", name=re.compile(r"^Submit as")).first.click()


def test_agent_creates_public_and_private_tickets_and_makes_one_public(
    browser, page, acme_url, acme, acme_admin, acme_user, acme_org, password
):
    EndUserFactory(
        account=acme, name="Carl Colleague", email="carl@customer.example", organization=acme_org
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on(
        "console",
        lambda m: errors.append(f"{m.text} {m.location}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, acme_url, acme_admin.email, password)
    expect(page).to_have_url(f"{acme_url}/agent/")

    # 1. Private creation off: a public ticket for a brand-new user, added inline.
    open_new_ticket_form(page)
    expect(page.get_by_label("Public reply")).to_be_checked()
    page.get_by_role("combobox", name="Requester").fill("Nora")
    expect(page.get_by_text("No user matches “Nora”.")).to_be_visible()
    page.get_by_role("button", name="+ Add user").click()
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    page.get_by_label("Name", exact=True).fill("Nora New")
    page.get_by_label("Email", exact=True).fill("nora@new.example")
    screenshot(page, "agent-new-ticket-add-user")
    page.get_by_label("Email", exact=True).press("Enter")  # adds the user, not the ticket
    expect(page.locator(".requester-chip")).to_contain_text("Nora New")
    page.get_by_label("Subject").fill("Welcome aboard")
    page.get_by_label("Description").fill("Hi Nora, your account is ready.")
    page.get_by_label("Priority").select_option("normal")
    page.get_by_label("Tags").fill("onboarding")
    screenshot(page, "agent-new-ticket-public")
    page.get_by_role("button", name="Submit as New").click()
    expect(page.get_by_text("Ticket #1 created.")).to_be_visible()
    expect(page.locator(".banner-private")).to_have_count(0)

    # 2. An admin switches private ticket creation on.
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Enable private ticket creation").check()
    screenshot(page, "agent-settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()

    # 3. A private ticket for an existing user, found by the type-ahead.
    open_new_ticket_form(page)
    expect(page.get_by_label("Internal note")).to_be_checked()
    page.get_by_role("combobox", name="Requester").fill("uma")
    expect(page.get_by_role("option", name=re.compile("Uma User"))).to_be_visible()
    screenshot(page, "agent-new-ticket-typeahead")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(".requester-chip")).to_contain_text("Uma User")
    page.get_by_label("Subject").fill("Contract renewal prep")
    page.get_by_label("Description").fill("Gathering the numbers before we call Uma.")
    screenshot(page, "agent-new-ticket-private")
    page.get_by_role("button", name="Submit as New").click()
    expect(page.get_by_text("This ticket is private: the requester can't see it.")).to_be_visible()
    ticket_url = page.url
    page.get_by_role("link", name=re.compile("All unsolved tickets")).click()
    expect(page.locator("tr.is-private")).to_contain_text("Contract renewal prep")
    screenshot(page, "agent-ticket-list-with-private")
    page.goto(ticket_url)

    # The requester, signed in elsewhere, does not see it.
    customer = browser.new_context(viewport={"width": 1280, "height": 800})
    portal = customer.new_page()
    sign_in(portal, acme_url, acme_user.email, password)
    expect(portal.get_by_role("heading", name="My activities")).to_be_visible()
    expect(portal.get_by_text("Contract renewal prep")).to_have_count(0)

    # 4. An internal note: the reply box starts on "Internal note" here.
    expect(page.locator("#reply").get_by_label("Internal note")).to_be_checked()
    page.locator("#reply").get_by_label("Comment").fill("Checked last year's invoices.")
    submit_reply(page)
    expect(page.get_by_text("Internal note added.")).to_be_visible()
    expect(page.locator(".banner-private")).to_be_visible()
    portal.reload()
    expect(portal.get_by_text("Contract renewal prep")).to_have_count(0)

    # 5. A public reply makes it public.
    page.locator("#reply").get_by_text("Public reply", exact=True).click()
    page.locator("#reply").get_by_label("Comment").fill("Hi Uma, your renewal offer is ready.")
    cc = page.locator("#reply").get_by_role("combobox", name="CC")
    cc.press_sequentially("Carl")
    expect(page.locator("#reply [data-cc-email]")).to_have_count(1)
    screenshot(page, "agent-reply-cc-typeahead")
    cc.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(cc).to_have_value("carl@customer.example, ")
    submit_reply(page)
    expect(page.get_by_text("Public reply added: the ticket is now public.")).to_be_visible()
    expect(page.get_by_label("CCs")).to_have_value("carl@customer.example")
    expect(page.locator(".banner-private")).to_have_count(0)
    expect(page.locator(".comment-internal")).to_have_count(2)
    screenshot(page, "agent-ticket-page")
    page.goto(f"{ticket_url}?tab=activity")
    expect(page.get_by_role("cell", name="Made public")).to_be_visible()
    screenshot(page, "agent-ticket-activity")

    # The requester now sees it, without the internal notes.
    portal.reload()
    expect(portal.get_by_role("link", name="Contract renewal prep")).to_be_visible()
    screenshot(portal, "help-center-after-public-reply")
    portal.get_by_role("link", name="Contract renewal prep").click()
    expect(portal.get_by_text("your renewal offer is ready")).to_be_visible()
    expect(portal.get_by_text("Checked last year's invoices.")).to_have_count(0)
    expect(portal.get_by_text("Gathering the numbers")).to_have_count(0)
    customer.close()

    # The brand-new user's public ticket was theirs from the start.
    nora = User.objects.for_account(acme).get(email="nora@new.example")
    nora.set_password(password)
    nora.save()
    newcomer = browser.new_context()
    nora_page = newcomer.new_page()
    sign_in(nora_page, acme_url, nora.email, password)
    expect(nora_page.get_by_role("link", name="Welcome aboard")).to_be_visible()
    newcomer.close()

    # The list of tickets, private ones marked.
    page.get_by_role("link", name=re.compile("All unsolved tickets")).click()
    expect(page.get_by_role("link", name="Contract renewal prep")).to_be_visible()
    screenshot(page, "agent-ticket-list")
    assert not [e for e in errors if "favicon" not in e], errors


@pytest.mark.parametrize(
    "path",
    [
        "/agent/tickets/new/",
        "/agent/tickets/1/",
        "/agent/tickets/1/?tab=activity",
        "/agent/views/3/",
    ],
)
def test_agent_pages_fit_a_phone_screen(
    page, acme_url, acme, acme_admin, acme_user, password, path
):
    from tests.factories import make_ticket
    from tickets.services import comment_add

    ticket = make_ticket(account=acme, submitter=acme_admin, requester=acme_user, subject="Phone")
    comment_add(ticket=ticket, author=acme_admin, body="A note " * 40, public=False)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}{path}")
    screenshot(page, f"phone-agent-{path.strip('/').replace('/', '-')}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone: {wide}"


def test_ticket_list_bulk_update_in_the_browser(page, acme_url, acme, acme_admin, password):
    from tests.factories import make_ticket

    for subject in ("Printer jam", "Password reset", "New monitor"):
        make_ticket(account=acme, submitter=acme_admin, subject=subject)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/views/3/")
    page.get_by_label("Select ticket #1").check()
    page.get_by_label("Select ticket #3").check()
    expect(page.locator("[data-selected-count]")).to_have_text("2")
    page.locator(".bulk-bar select[name=priority]").select_option("high")
    screenshot(page, "agent-bulk-update")
    page.get_by_role("button", name="Update selected").click()
    expect(page.get_by_text("2 tickets updated.")).to_be_visible()
    expect(page.locator(".priority-high")).to_have_count(2)


def test_admin_manages_groups_and_team_in_the_browser(
    page, acme_url, acme_admin, acme_agent, password
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/groups/")
    page.get_by_label("Group name").fill("Hardware")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_text("Group created.")).to_be_visible()
    page.get_by_label("Agent").select_option(label=acme_agent.name)
    page.get_by_role("button", name="Add agent").click()
    expect(page.locator(".member-list")).to_contain_text(acme_agent.name)
    screenshot(page, "agent-settings-groups")
    page.get_by_role("link", name="Team").click()
    page.get_by_label("Name").fill("Nina New")
    page.get_by_label("Email").fill("nina@acme.example")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("link", name="Nina New")).to_be_visible()
    screenshot(page, "agent-settings-team")
