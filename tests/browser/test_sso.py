"""Single sign-on in Chromium (issue 21): an admin sets up an OpenID Connect provider on
the settings page, and a person unknown to the helpdesk signs in through it (a real local
provider served from a thread, tests/accounts/oidc_provider.py) and lands in the help
center, created just in time."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.accounts.oidc_provider import LocalOidcProvider
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_admin_sets_up_oidc_and_a_new_person_signs_in_through_it(
    browser, acme_url, acme, acme_admin, password
):
    with LocalOidcProvider() as idp:
        admin_context = browser.new_context(viewport={"width": 1280, "height": 1000})
        admin = admin_context.new_page()
        sign_in(admin, acme_url, acme_admin.email, password)
        admin.goto(f"{acme_url}/agent/settings/")
        admin.get_by_role("link", name="Single sign-on").click()
        admin.get_by_label("Protocol").select_option("oidc")
        admin.get_by_label("Provider name").fill("Local IdP")
        admin.get_by_label("Offer single sign-on on the sign-in page").check()
        admin.get_by_label("Issuer URL").fill(idp.issuer)
        admin.get_by_label("Client ID").fill(idp.client_id)
        admin.get_by_label("Client secret").fill(idp.client_secret)
        admin.get_by_role("button", name="Save single sign-on").click()
        expect(admin.get_by_text("Single sign-on saved.")).to_be_visible()
        expect(admin.get_by_test_id("secret-state")).to_contain_text("is stored (encrypted)")
        expect(admin.get_by_label("Client secret")).to_have_value("")
        screenshot(admin, "sso-settings")
        admin_context.close()

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{acme_url}/signin/")
        screenshot(page, "sso-signin-page")
        page.get_by_role("link", name="Continue with Local IdP").click()
        expect(page.get_by_role("heading", name="Local identity provider")).to_be_visible()
        screenshot(page, "sso-provider-page")
        page.get_by_role("button", name="Continue as Sam Single").click()
        expect(page).to_have_url(f"{acme_url}/hc/")
        expect(page.get_by_text("Sam Single").first).to_be_visible()
        screenshot(page, "sso-signed-in")
        context.close()
    assert User.objects.for_account(acme).get(email="sam@acme.example").role == "end_user"
