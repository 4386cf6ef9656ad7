"""Passkeys in Chromium (issue 21), with the browser's own WebAuthn stack and a virtual
authenticator added through the DevTools protocol (``WebAuthn.addVirtualAuthenticator``):
an agent adds a passkey on their security page, then signs in with the password and the
passkey as second step, and then with the passkey alone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def virtual_authenticator(context, page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def sign_out(page, name: str) -> None:
    page.get_by_text(name).first.click()
    page.get_by_role("button", name="Sign out").click()


def test_an_agent_adds_a_passkey_and_signs_in_with_it(
    browser, acme_url, acme, acme_agent, password
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    virtual_authenticator(context, page)
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/security/")
    expect(page.get_by_text("No passkeys yet.")).to_be_visible()
    page.get_by_role("link", name="Add a passkey").click()
    page.get_by_label("Name of this passkey").fill("Work laptop")
    screenshot(page, "passkey-add")
    page.get_by_role("button", name="Create passkey").click()
    expect(page.get_by_text("Passkey added.")).to_be_visible()
    expect(page.get_by_test_id("passkeys")).to_contain_text("Work laptop")
    screenshot(page, "passkey-listed")

    # The password, then the passkey as the second step.
    sign_out(page, acme_agent.name)
    sign_in(page, acme_url, acme_agent.email, password)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    screenshot(page, "passkey-second-step")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(f"{acme_url}/agent/")

    # The passkey alone (it is discoverable, and the authenticator verified the person).
    sign_out(page, acme_agent.name)
    page.goto(f"{acme_url}/signin/")
    screenshot(page, "passkey-signin-page")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(f"{acme_url}/agent/")
    screenshot(page, "passkey-signed-in")
    context.close()
