"""Two-factor sign-in in Chromium (issue 21): an admin requires it for agents; an agent
is sent to set it up (QR code and key), keeps the recovery codes, and later signs in with
a code from the app (made here with pyotp, as the phone would)."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_admin_requires_two_factor_and_an_agent_signs_in_with_a_code(
    browser, acme_url, acme, acme_admin, acme_agent, password
):
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = admin_context.new_page()
    sign_in(admin, acme_url, acme_admin.email, password)
    admin.goto(f"{acme_url}/agent/settings/")
    admin.get_by_label("Require two-factor sign-in for agents").check()
    admin.get_by_role("button", name="Save settings").click()
    # The admin is an agent too: sent to set it up first.
    expect(admin.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    screenshot(admin, "two-factor-admin-sent-to-set-up")
    admin_context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, acme_url, acme_agent.email, password)
    expect(page.get_by_text("Your account requires two-factor sign-in for agents")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    screenshot(page, "two-factor-set-up")
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_text("unused recovery codes left")).to_be_visible()
    screenshot(page, "two-factor-security-page")

    # Signed out; signing in again asks for the code after the password.
    page.get_by_text(acme_agent.name).first.click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, acme_url, acme_agent.email, password)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_label("Code from your authenticator app, or a recovery code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not right, or was already used.")).to_be_visible()
    screenshot(page, "two-factor-wrong-code")
    # The next step's code: the set-up one was spent.
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        totp.at(time.time() + 30)
    )
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{acme_url}/agent/")
    screenshot(page, "two-factor-signed-in")
    context.close()

    # The admin, signed in with their own code by now, reads what happened in the log.
    from accounts.two_factor import new_secret, totp_enable

    secret = new_secret()
    admin_totp = pyotp.TOTP(secret)
    totp_enable(user=acme_admin, secret=secret, code=admin_totp.now())
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = admin_context.new_page()
    sign_in(admin, acme_url, acme_admin.email, password)
    admin.get_by_label("Code from your authenticator app, or a recovery code").fill(
        admin_totp.at(time.time() + 30)
    )
    admin.get_by_role("button", name="Verify").click()
    admin.goto(f"{acme_url}/agent/settings/audit/")
    row = admin.get_by_role("row", name=re.compile("Settings changed"))
    expect(row).to_contain_text("agents_require_2fa")
    expect(row).to_contain_text("Ada Admin")
    screenshot(admin, "two-factor-audit-log")
    admin_context.close()
