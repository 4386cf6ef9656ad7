"""The agent top bar's "+ Add": seed 000 says to hover over it, then choose Ticket. It
opens on hover, on keyboard focus and on click; Escape closes it (issue 15, item 17)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def agent_home(page, acme_url, acme_agent, password):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_agent.email, password)
    expect(page).to_have_url(f"{acme_url}/agent/")
    return page


def parts(page):
    menu = page.locator(".add-menu")
    return menu.get_by_role("button", name="+ Add"), menu.get_by_role("link", name="Ticket")


def test_add_opens_on_hover_and_closes_when_the_pointer_leaves(agent_home):
    page = agent_home
    button, ticket = parts(page)
    expect(ticket).to_be_hidden()
    button.hover()
    expect(ticket).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    screenshot(page, "agent-add-menu-hover")
    # The pointer can travel from the button down to the menu without it closing.
    box = button.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] + 3)
    ticket.hover()
    expect(ticket).to_be_visible()
    page.get_by_role("heading", name="Your unsolved tickets").hover()
    expect(ticket).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.hover()
    ticket.click()
    expect(page.get_by_role("heading", name="New ticket")).to_be_visible()


def test_add_opens_from_the_keyboard_and_escape_closes_it(agent_home):
    page = agent_home
    button, ticket = parts(page)
    page.mouse.move(600, 600)  # the pointer is elsewhere
    button.focus()
    expect(ticket).to_be_visible()  # focus alone shows what the button offers
    page.keyboard.press("Escape")
    expect(ticket).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(ticket).to_be_visible()
    page.keyboard.press("Tab")
    expect(ticket).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New ticket")).to_be_visible()


def test_add_toggles_on_click_and_closes_on_a_click_elsewhere(agent_home):
    page = agent_home
    button, ticket = parts(page)
    button.click()
    expect(ticket).to_be_visible()
    page.mouse.move(600, 600)
    expect(ticket).to_be_visible()  # opened by a click, it stays open
    page.mouse.click(600, 600)
    expect(ticket).to_be_hidden()
    button.click()
    expect(ticket).to_be_visible()
    button.click()  # a second click closes it, even under the pointer
    expect(ticket).to_be_hidden()
