"""Business hours in Chromium: an admin creates a schedule (a wrong range first), imports
Italy's public holidays and sees them listed."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_admin_sets_business_hours_and_imports_holidays(page, acme_url, acme_admin, password):
    page.set_viewport_size({"width": 1280, "height": 1000})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/")
    page.get_by_role("link", name="Business hours").click()
    page.get_by_role("link", name="Add schedule").click()
    page.get_by_label("Name").fill("Rome office")
    page.get_by_label("Time zone").select_option("Europe/Rome")
    page.get_by_label("Monday").fill("09:00-13:00, 12:00-18:00")
    page.get_by_role("button", name="Create schedule").click()
    expect(page.get_by_text("09:00–13:00 and 12:00–18:00 overlap.")).to_be_visible()
    screenshot(page, "business-hours-overlap")

    page.get_by_label("Monday").fill("09:00-13:00, 14:00-18:00")
    page.get_by_role("button", name="Create schedule").click()
    expect(page.get_by_text("Schedule created.")).to_be_visible()

    page.get_by_label("Country").select_option("IT")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("public holidays imported")).to_be_visible()
    expect(page.get_by_text("Christmas Day")).to_be_visible()
    screenshot(page, "business-hours-holidays")

    page.get_by_role("link", name="All schedules").click()
    expect(page.get_by_role("cell", name="Rome office Default")).to_be_visible()
    screenshot(page, "business-hours-list")
