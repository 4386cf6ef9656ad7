"""People admin in Chromium (issue 21): an admin checks a CSV of users (a bad row named
by its line), imports it, merges two end users, and deactivates an agent whose open
ticket goes to a colleague in the same step."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import AgentFactory, EndUserFactory, make_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.browser

CSV = (
    "name,email,role\n"
    "Ada One,ada@one.example,\n"
    "Bad Row,not-an-email,\n"  # line 3
    "Ivy Agent,ivy@one.example,agent\n"
)


def test_admin_imports_merges_and_hands_over(page, acme_url, acme, acme_admin, password, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    leaving = AgentFactory(account=acme, name="Lea Leaving")
    taker = AgentFactory(account=acme, name="Tom Taker")
    make_ticket(account=acme, assignee=leaving, subject="Broken hinge")
    EndUserFactory(account=acme, name="Ann Home", email="ann@home.example")
    work = EndUserFactory(account=acme, name="Ann Work", email="ann@work.example")
    make_ticket(account=acme, requester=work, subject="From work")
    sign_in(page, acme_url, acme_admin.email, password)

    csv_file = tmp_path / "users.csv"
    csv_file.write_text(CSV)
    page.goto(f"{acme_url}/agent/settings/users/")
    page.get_by_role("link", name="Import users").click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check only (dry run)").click()
    expect(page.get_by_text("Dry run: nothing was saved")).to_be_visible()
    expect(page.get_by_role("cell", name="3", exact=True)).to_be_visible()
    screenshot(page, "people-import-dry-run")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("2 users were created.")).to_be_visible()

    page.goto(f"{acme_url}/agent/settings/users/{work.number}/")
    page.get_by_role("link", name="Merge into another user").click()
    expect(page.get_by_text("1 requested ticket")).to_be_visible()
    page.get_by_label("Merge into the user with this email").fill("ann@home.example")
    screenshot(page, "people-merge")
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Ann Work was merged into Ann Home.")).to_be_visible()
    expect(page.get_by_text("ann@work.example")).to_be_visible()  # now one of Ann's emails
    screenshot(page, "people-merged-profile")

    page.goto(f"{acme_url}/agent/settings/agents/")
    page.get_by_role("row", name="Lea Leaving").get_by_role("link", name="Deactivate").click()
    expect(page.get_by_role("heading", name="Lea Leaving has 1 open ticket")).to_be_visible()
    page.get_by_label("Reassign to an agent").select_option(label="Tom Taker")
    screenshot(page, "people-deactivate")
    page.get_by_role("button", name="Reassign and deactivate").click()
    expect(
        page.get_by_text("Lea Leaving was deactivated; 1 ticket was reassigned.")
    ).to_be_visible()
    assert Ticket.objects.for_account(acme).get(subject="Broken hinge").assignee == taker
