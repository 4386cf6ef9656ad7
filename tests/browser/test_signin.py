"""Signing in through the real form: each role lands on its own home page, and an
account's credentials do not work at another account's address."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_page_is_the_accounts_own(page, acme_url):
    page.goto(f"{acme_url}/")
    expect(page).to_have_url(re.compile(r"/signin/"))
    expect(page.get_by_role("heading", name="Sign in to Acme Inc.")).to_be_visible()
    screenshot(page, "signin")


def test_agent_lands_in_the_agent_workspace(page, acme_url, acme_agent, password):
    sign_in(page, acme_url, acme_agent.email, password)
    expect(page).to_have_url(f"{acme_url}/agent/")
    expect(page.get_by_role("heading", name="Your unsolved tickets")).to_be_visible()
    expect(page.get_by_text(acme_agent.name)).to_be_visible()
    screenshot(page, "agent-home")


def test_admin_lands_in_the_agent_workspace(page, acme_url, acme_admin, password):
    sign_in(page, acme_url, acme_admin.email, password)
    expect(page).to_have_url(f"{acme_url}/agent/")
    expect(page.get_by_role("heading", name="Your unsolved tickets")).to_be_visible()


def test_end_user_lands_in_the_help_center(page, acme_url, acme_user, password):
    sign_in(page, acme_url, acme_user.email, password)
    expect(page).to_have_url(f"{acme_url}/hc/")
    expect(page.get_by_role("heading", name="My activities")).to_be_visible()
    screenshot(page, "help-center-home")

    page.goto(f"{acme_url}/agent/")
    expect(page.get_by_role("heading", name="Your unsolved tickets")).to_have_count(0)


def test_credentials_of_one_account_fail_at_another(page, globex_url, acme_agent, password):
    sign_in(page, globex_url, acme_agent.email, password)
    expect(page).to_have_url(f"{globex_url}/signin/")
    expect(page.get_by_role("alert")).to_contain_text("don't match")
    screenshot(page, "signin-wrong-account")


def test_wrong_password_fails(page, acme_url, acme_agent):
    sign_in(page, acme_url, acme_agent.email, "not-the-password")
    expect(page).to_have_url(f"{acme_url}/signin/")
    expect(page.get_by_role("alert")).to_contain_text("don't match")


@pytest.mark.parametrize(("who", "home"), [("acme_agent", "/agent/"), ("acme_user", "/hc/")])
def test_home_pages_fit_a_phone_screen(request, page, acme_url, password, who, home):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, acme_url, request.getfixturevalue(who).email, password)
    expect(page).to_have_url(f"{acme_url}{home}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{home} scrolls sideways by {overflow}px on a phone"
    screenshot(page, f"phone-{home.strip('/')}-home")
