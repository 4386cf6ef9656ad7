"""The ticket list's quick actions at 1280 × 800 (a laptop): the list fits its box, and a
hovered row's menus show whole on the screen, in English and in Italian (longer words).
Their column had pushed the table some 220 px past its box: the menus were off-screen,
behind a horizontal scroll."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import EndUserFactory, make_ticket

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "it"])
def test_the_quick_actions_show_whole_at_1280_px(
    page, acme_url, acme, acme_agent, password, language
):
    acme_agent.locale = language
    acme_agent.save()
    requester = EndUserFactory(account=acme, name="Giulia Rossi")
    for subject in ["Export to CSV stops at 1,000 rows", "Invoice shows the wrong VAT number"]:
        make_ticket(
            account=acme,
            submitter=acme_agent,
            requester=requester,
            subject=subject,
            assignee=acme_agent,
            priority="urgent",
        )
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/")

    scroll = page.locator(".table-wrap").first.evaluate("w => w.scrollWidth - w.clientWidth")
    assert scroll <= 0, f"the list scrolls {scroll} px sideways"
    row = page.locator("tr.ticket-row").first
    row.hover()
    menus = row.locator(".quick-actions")
    expect(menus).to_have_css("opacity", "1")
    box = menus.bounding_box()
    wrap = page.locator(".table-wrap").first.bounding_box()
    assert box["x"] >= wrap["x"] and box["x"] + box["width"] <= wrap["x"] + wrap["width"]
    assert box["x"] + box["width"] <= 1280
    screenshot(page, f"quick-actions-1280-{language}")
