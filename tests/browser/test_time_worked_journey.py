"""Time worked (seed 002) in Chromium: an agent starts the timer on a ticket, reloads the
page (the timer is still running), stops it, then types a duration; the report lists it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.browser


def test_timer_survives_a_reload_and_a_typed_duration_adds_up(
    page, acme_url, acme, acme_admin, acme_user, password
):
    ticket = make_ticket(
        account=acme, submitter=acme_user, requester=acme_user, subject="Printer offline"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    page.get_by_role("button", name="Start timer").click()
    expect(page.get_by_text("Timer started.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Stop timer and log time")).to_be_visible()
    page.get_by_role("button", name="Stop timer and log time").click()
    expect(page.get_by_role("button", name="Start timer")).to_be_visible()
    page.locator("#time-worked summary").click()
    page.fill("#time_duration", "1h 30m")
    screenshot(page, "time-worked-panel")
    page.locator("#time-worked form button", has_text="Log time").click()
    expect(page.locator("#time-worked-title")).to_contain_text("1h 30m")
    screenshot(page, "time-worked-logged")
    page.goto(f"{acme_url}/agent/reports/time/")
    expect(page.locator("table.time-report")).to_contain_text("1h 30m")
    screenshot(page, "time-worked-report")


def test_time_spent_with_a_note_and_the_required_setting(
    page, acme_url, acme, acme_admin, acme_user, password
):
    """The reply box's "Time spent": required by the account, an update without it comes
    back with the typed note; with it, the note shows its time."""
    from timeworked.services import time_settings_update

    time_settings_update(account=acme, actor=acme_admin, require_on_update=True)
    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject="VPN")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    page.locator("label.seg-internal").click()
    page.locator("#reply textarea[name=body]").fill("Checked the VPN logs.")
    page.locator("#reply button[type=submit]").first.click()
    expect(page.locator("#reply .alert-error")).to_contain_text("time spent on every update")
    expect(page.locator("#reply textarea[name=body]")).to_have_value("Checked the VPN logs.")
    screenshot(page, "time-spent-required")
    page.fill("#reply-time-spent", "25m")
    page.locator("#reply button[type=submit]").first.click()
    expect(page.locator(".comment-time-spent")).to_contain_text("25m")
    screenshot(page, "time-spent-on-note")
