"""Connecting Microsoft 365 in Chromium: the admin enters the mailbox's address, is sent
to the provider's consent page (the local fake of tests/mailchannels/oauth_provider.py,
standing in for login.microsoftonline.com), accepts, comes back to Sportello, tests the
connection (XOAUTH2 against Dovecot's oauth2 passdb) and the channel imports mail."""

import pytest
from playwright.sync_api import expect

from mailchannels.models import MailboxChannel
from mailchannels.tasks import mailboxes_fetch_task
from tests.browser.conftest import screenshot, sign_in
from tests.mailchannels.conftest import message
from tests.mailchannels.dovecot import running_dovecot
from tests.mailchannels.oauth_provider import LocalOAuthProvider
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def provider():
    with LocalOAuthProvider() as running:
        yield running


@pytest.fixture
def oauth_dovecot(settings, provider):
    with running_dovecot(oauth_introspection_url=f"{provider.url}/introspect") as server:
        settings.MAILBOX_CA_FILE = server.ca_file  # the live server runs in this process
        settings.MAILBOX_OAUTH = {
            "microsoft": {**provider.settings(), "imap_port": server.port},
            "google": {**provider.settings(), "client_id": ""},  # not registered here
        }
        yield server


def test_admin_connects_microsoft_365_through_the_consent_page(
    page, acme_url, acme, acme_admin, password, provider, oauth_dovecot
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/email/")
    expect(page.get_by_role("button", name="Connect Gmail")).to_have_count(0)
    page.get_by_label("Mailbox address", exact=True).fill("support@acme.example")
    screenshot(page, "email-oauth-start")
    page.get_by_role("button", name="Connect Microsoft 365").click()

    # The provider's consent page, on the provider's host.
    expect(
        page.get_by_role("heading", name="Allow Sportello to read support@acme.example?")
    ).to_be_visible()
    assert page.url.startswith(f"{provider.url}/authorize?")
    screenshot(page, "email-oauth-consent")
    page.get_by_role("button", name="Accept").click()

    # Back on Sportello: the channel's page.
    expect(
        page.get_by_text(
            "Microsoft 365 (OAuth2) mailbox support@acme.example connected: test its connection."
        )
    ).to_be_visible()
    assert page.url.startswith(acme_url)
    expect(page.get_by_role("button", name="Reconnect (Microsoft 365 (OAuth2))")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)  # no password to type
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("Connected: 0 messages in INBOX.")).to_be_visible()
    screenshot(page, "email-oauth-connected")

    channel = MailboxChannel.objects.for_account(acme).get()
    assert channel.auth == MailboxChannel.Auth.MICROSOFT
    [refresh] = provider.refresh_tokens
    assert refresh not in page.content()  # the secret never comes back to the page

    oauth_dovecot.deliver(
        message(sender="Olga Owner <olga@customer.example>", subject="Signed in with OAuth2")
    )
    mailboxes_fetch_task()  # the beat's fetch, every minute in production
    page.goto(f"{acme_url}/agent/settings/email/")
    row = page.locator("table.mailbox-channels tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="support@acme.example")).to_be_visible()
    expect(row.get_by_text("OK", exact=True)).to_be_visible()
    screenshot(page, "email-oauth-channels-list")
    ticket = Ticket.objects.for_account(acme).get(subject="Signed in with OAuth2")
    assert ticket.requester.email == "olga@customer.example"
