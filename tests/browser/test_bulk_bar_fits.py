"""The list's bulk bar on one line at 1280 px once its fields have loaded (they arrive
when the first row is checked: tickets.views.lists.bulk_fields). It wrapped to two lines
with the status, assignee, group, priority, tags and custom-field controls, the macro
choice and Merge beside them."""

import pytest
from playwright.sync_api import expect

from macros.services import macro_create
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.browser


def test_the_bulk_bar_fits_one_line_at_1280(page, acme_url, acme, acme_admin, password):
    ticket = make_ticket(account=acme, submitter=acme_admin, subject="Printer jams")
    macro_create(
        account=acme,
        actor=acme_admin,
        title="Close as duplicate",
        actions=[{"field": "priority", "value": "low"}],
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/views/3/")  # all unsolved tickets
    page.locator(f'input[name="tickets"][value="{ticket.number}"]').check()
    bar = page.locator(".bulk-bar")
    expect(bar.locator('select[name="status"]')).to_be_visible()  # the fields came
    expect(bar.locator('select[name="macro"]')).to_be_visible()
    screenshot(page, "bulk-bar-1280")
    tops = bar.evaluate(
        "bar => Array.from(bar.querySelectorAll('select, input[type=text], button'))"
        ".filter(e => e.offsetParent).map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) >= 8
    assert max(tops) - min(tops) < 12, tops  # one line (selects and buttons differ by a few px)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280
