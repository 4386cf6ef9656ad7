"""Retention in Chromium: an admin sets how long closed tickets are kept (a wrong value
first), then reads the dry run's report on the same page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tickets.services.retention import retention_run

pytestmark = pytest.mark.browser


def test_admin_sets_retention_and_reads_the_dry_run(page, acme_url, acme, acme_admin, password):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/")
    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("link", name="Retention")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("No dry run yet.")).to_be_visible()

    page.get_by_label("Delete closed tickets after (months)").fill("0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    screenshot(page, "retention-invalid")

    page.get_by_label("Delete closed tickets after (months)").fill("24")
    page.get_by_role("button", name="Save settings").click()
    expect(
        page.get_by_text("Retention saved. Nothing is deleted before a dry run.")
    ).to_be_visible()

    retention_run(account=acme, dry_run=True)
    page.reload()
    expect(
        page.get_by_text("0 closed tickets, 0 chats and 0 attachments would be deleted")
    ).to_be_visible()
    expect(page.get_by_label("Delete closed tickets after (months)")).to_have_value("24")
    screenshot(page, "retention-dry-run")
