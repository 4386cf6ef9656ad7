"""SLA policies in Chromium: an admin sets a schedule (a wrong target first) and a policy;
a new urgent ticket shows its first-reply target counting down; after a public reply it
shows fulfilled, and the lists' "Next SLA breach" column shows it no more."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

ALL_DAY = "00:00-24:00"


def test_admin_sets_a_policy_and_an_urgent_ticket_counts_down_then_is_fulfilled(
    page, acme_url, acme_admin, acme_user, password
):
    page.set_viewport_size({"width": 1280, "height": 1000})
    sign_in(page, acme_url, acme_admin.email, password)

    # A schedule open around the clock, so business time flows whenever the test runs.
    page.goto(f"{acme_url}/agent/settings/schedules/new/")
    page.get_by_label("Name").fill("Always open")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        page.get_by_label(day).fill(ALL_DAY)
    page.get_by_role("button", name="Create schedule").click()
    expect(page.get_by_text("Schedule created.")).to_be_visible()

    page.get_by_role("link", name="SLA policies").click()
    page.get_by_role("link", name="Add policy").click()
    page.get_by_label("Title", exact=True).fill("Urgent first reply")
    page.get_by_label("First reply time – Urgent").fill("0")
    page.get_by_role("button", name="Create policy").click()
    expect(page.get_by_text("Ensure this value is greater than or equal to 1.")).to_be_visible()
    screenshot(page, "sla-policy-invalid")

    page.get_by_label("First reply time – Urgent").fill("60")
    page.get_by_label("First reply time in business hours").check()
    page.get_by_label("Full resolution time – Urgent").fill("480")
    page.get_by_role("button", name="Create policy").click()
    expect(page.get_by_text("SLA policy created.")).to_be_visible()
    expect(page.get_by_role("link", name="Urgent first reply")).to_be_visible()
    screenshot(page, "sla-policy-list")

    # A new urgent ticket for a customer (the page's clock is ours to move forward).
    page.clock.install()
    page.goto(f"{acme_url}/agent/tickets/new/")
    page.get_by_role("combobox", name="Requester").fill(acme_user.email)
    page.get_by_label("Subject").fill("Checkout is down")
    page.get_by_label("Description").fill("Customers cannot pay since 10:00.")
    page.get_by_label("Priority").select_option("urgent")
    page.get_by_role("button", name="Submit as New").click()
    targets = page.get_by_role("region", name="SLA targets")
    expect(targets.locator(".sla-target").first).to_contain_text("First reply time")
    expect(targets).to_contain_text(re.compile(r"(59|60)\xa0minutes left|1\xa0hour left"))
    expect(targets.locator(".sla-at-risk")).to_have_count(1)
    screenshot(page, "sla-ticket-counting-down")

    # The countdown runs in the page, without a request: past the target it shows breached.
    first_reply = targets.locator(".sla-target", has_text="First reply time")
    page.clock.fast_forward("01:02:00")
    expect(first_reply).to_contain_text(re.compile(r"Breached (1|2)\xa0minutes? ago"))
    expect(first_reply).to_have_class(re.compile("sla-breached"))
    screenshot(page, "sla-ticket-breached-live")

    page.locator("#reply").get_by_text("Public reply", exact=True).click()
    page.locator("#reply").get_by_label("Comment").fill("We are on it: payments are back.")
    page.locator("#reply").get_by_role("button", name=re.compile(r"^Submit as")).first.click()
    expect(first_reply).to_contain_text("Fulfilled")
    expect(first_reply).to_have_class(re.compile("sla-fulfilled"))
    expect(targets.locator(".sla-target", has_text="Full resolution time")).to_contain_text("left")
    screenshot(page, "sla-ticket-fulfilled")
