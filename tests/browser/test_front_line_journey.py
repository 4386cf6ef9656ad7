"""Issue 21's journey in Chromium: an admin creates an organization with a domain and a
manager, invites an agent with the "Front line" role (who cannot solve) and requires
two-factor sign-in for agents; the agent sets it up and later signs in with a code
(made here with pyotp, as the phone would), and their ticket page offers no Solved."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from accounts.models import Organization, User
from tests.browser.conftest import screenshot, sign_in
from tests.factories import EndUserFactory, make_ticket

pytestmark = pytest.mark.browser


def test_admin_sets_up_a_front_line_agent_who_signs_in_with_a_code(
    browser, acme_url, acme, acme_admin, password
):
    EndUserFactory(account=acme, name="Mia Manager", email="mia@northwind.example")
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = admin_context.new_page()
    sign_in(admin, acme_url, acme_admin.email, password)

    admin.goto(f"{acme_url}/agent/settings/organizations/new/")
    admin.get_by_label("Name").fill("Northwind")
    admin.get_by_label("Domains").fill("northwind.example")
    admin.get_by_label("Organization managers").fill("mia@northwind.example")
    admin.get_by_role("button", name="Create organization").click()
    org = Organization.objects.for_account(acme).get(name="Northwind")
    assert [d.domain for d in org.domains.all()] == ["northwind.example"]
    mia = User.objects.for_account(acme).get(email="mia@northwind.example")
    assert mia.organization == org and mia.is_org_manager
    screenshot(admin, "front-line-organization")

    admin.goto(f"{acme_url}/agent/settings/users/invite/")
    admin.get_by_label("Name").fill("Fran Front")
    admin.get_by_label("Email").fill("fran@acme.example")
    admin.get_by_label("Role", exact=True).select_option("agent")
    admin.get_by_label("Agent role").select_option(label="Front line")
    screenshot(admin, "front-line-invite")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_text("Invitation sent to fran@acme.example.")).to_be_visible()
    fran = User.objects.for_account(acme).get(email="fran@acme.example")
    assert fran.agent_role is not None and fran.agent_role.builtin == "front_line"

    admin.goto(f"{acme_url}/agent/settings/roles/")
    expect(admin.get_by_role("row", name="Front line")).to_contain_text("1")
    screenshot(admin, "front-line-roles")
    admin.goto(f"{acme_url}/agent/settings/")
    admin.get_by_label("Require two-factor sign-in for agents").check()
    admin.get_by_role("button", name="Save settings").click()
    admin_context.close()

    # The invitation's link sets the password (tests/accounts/test_user_admin.py).
    fran.set_password(password)
    fran.save()
    ticket = make_ticket(account=acme, assignee=fran, subject="Front line ticket")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, acme_url, fran.email, password)
    expect(page.get_by_text("Your account requires two-factor sign-in for agents")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("link", name="I have saved them").click()
    page.get_by_text(fran.name).first.click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, acme_url, fran.email, password)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        totp.at(time.time() + 30)
    )
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{acme_url}/agent/")
    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    status = page.locator("#side_status")
    expect(status.locator("option[value=pending]")).to_have_count(1)
    expect(status.locator("option[value=solved]")).to_have_count(0)
    expect(status.locator("option[value=closed]")).to_have_count(0)
    screenshot(page, "front-line-ticket-without-solved")
    context.close()
