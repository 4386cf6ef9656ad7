"""Issue 26: an admin opens the reports on the demo data (seed_demo's 90 days of
history), reads the backlog by status (chart and table), filters by group and downloads
the CSV of the agents' table."""

import csv
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Account
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_admin_filters_the_report_by_group_and_exports_csv(page, live_url_for, db):
    call_command("seed_demo", stdout=StringIO())
    demo = Account.objects.get(subdomain="demo")
    base = live_url_for(demo)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "admin@demo.example", "sportello-demo")
    page.get_by_role("link", name="Reports").last.click()
    expect(page.locator("h1")).to_have_text("Reports")
    expect(page.locator("svg.report-chart rect").first).to_be_visible()
    screenshot(page, "reports-90-days")
    # The backlog by status: the stacked chart, its legend and the same numbers as a table.
    by_status = page.locator("section", has=page.get_by_role("heading", name="Backlog by status"))
    expect(by_status.locator('svg.report-chart rect:not([height="0.0"])').first).to_be_visible()
    expect(by_status.locator(".legend")).to_have_text("New Open Pending On-hold")
    by_status.get_by_text("Show as a table").click()
    expect(by_status.locator("thead th")).to_have_text(
        ["Period", "New", "Open", "Pending", "On-hold"]
    )
    rows = by_status.locator("tbody tr")
    expect(rows.first).to_be_visible()
    last = [int(n) for n in rows.last.locator("td").all_inner_texts()]
    assert sum(last) > 0  # the demo's open and pending tickets at the range's end
    screenshot(page, "reports-backlog-by-status")
    # The demo's policy (servicelevels/demo.py) measured its history: both targets show.
    sla = page.locator("section", has=page.get_by_role("heading", name="SLA achievement"))
    expect(sla.locator("tbody th")).to_have_text(["First reply time", "Full resolution time"])
    assert all(int(n) > 0 for n in sla.locator("tbody td:nth-child(2)").all_inner_texts())
    page.get_by_label("Date range").select_option("90")
    page.get_by_label("Per").select_option("week")
    page.get_by_label("Group").select_option(label="Billing")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"group=\d+"))
    by_group = page.locator("section", has=page.get_by_role("heading", name="By group"))
    expect(by_group.locator("tbody tr")).to_have_count(1)
    expect(by_group.locator("tbody th")).to_have_text("Billing")
    screenshot(page, "reports-billing")
    with page.expect_download() as download:
        page.locator("section", has=page.get_by_role("heading", name="By agent")).get_by_role(
            "link", name="CSV"
        ).click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert rows[0][0] == "Agent"
    assert sum(int(row[2]) for row in rows[1:]) > 0  # solved tickets in Billing
