"""The demo account as a visitor of ``make run`` meets it: a queue that reads like a real
helpdesk, private tickets marked, a ticket with replies and internal notes."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Account
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_demo_queue_and_ticket_page(page, live_url_for, db):
    call_command("seed_demo", stdout=StringIO())
    demo = Account.objects.get(subdomain="demo")
    base = live_url_for(demo)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "agent@demo.example", "sportello-demo")
    page.goto(f"{base}/agent/views/4/")
    expect(page.locator("tr.is-private")).to_have_count(2)
    screenshot(page, "demo-recently-updated")
    page.get_by_role("link", name="Can't sign in to the booking portal").click()
    expect(page.locator(".comment-internal")).to_have_count(1)
    expect(page.get_by_text("Still the same error")).to_be_visible()
    screenshot(page, "demo-ticket-page")
    page.locator(".ticket-crumb").get_by_role("link", name="Sam Sky").click()
    expect(page.get_by_role("heading", name="Sam Sky")).to_be_visible()
    expect(page.get_by_role("link", name="VPN drops every 10 minutes")).to_be_visible()
    screenshot(page, "demo-user-profile")
    page.get_by_role("link", name="New ticket").click()
    expect(page.locator(".requester-chip")).to_contain_text("Sam Sky")
    page.get_by_role("link", name=re.compile("Private tickets")).click()
    screenshot(page, "demo-private-tickets")
