"""Email channels in Chromium, against a real Dovecot: an admin connects
support@acme.example as an IMAP mailbox, tests the connection (a wrong password first:
a clear error), and a message placed in the mailbox becomes a ticket from its sender
once the fetch runs (Celery beat's task, run here)."""

import pytest
from playwright.sync_api import expect

from mailchannels.tasks import mailboxes_fetch_task
from tests.browser.conftest import screenshot, sign_in
from tests.mailchannels.conftest import message
from tests.mailchannels.dovecot import USERS, running_dovecot
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def dovecot(settings):
    with running_dovecot() as server:
        settings.MAILBOX_CA_FILE = server.ca_file  # the live server runs in this process
        yield server


def test_admin_connects_a_mailbox_and_its_mail_becomes_a_ticket(
    page, acme_url, acme, acme_admin, password, dovecot
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/")
    page.get_by_role("link", name="Email channels").click()
    expect(page.get_by_text("No mailbox connected.")).to_be_visible()
    page.get_by_role("link", name="Connect an IMAP mailbox").click()

    page.get_by_label("Support address", exact=True).fill("support@acme.example")
    page.get_by_label("Display name", exact=True).fill("Acme Support")
    page.get_by_label("Mail server", exact=True).fill(dovecot.host)  # IMAP, the default protocol
    page.get_by_label("Port", exact=True).fill(str(dovecot.port))
    page.get_by_label("User name", exact=True).fill("support@acme.example")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Add mailbox").click()
    expect(page.get_by_text("Mailbox channel added: test its connection.")).to_be_visible()

    page.get_by_role("button", name="Test connection").click()
    expect(
        page.get_by_text("Authentication failed: check the user name and password.").first
    ).to_be_visible()
    screenshot(page, "email-channel-auth-failed")

    page.get_by_label("Password", exact=True).fill(USERS["support@acme.example"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Mailbox channel saved.")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_have_value("")  # never rendered
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("Connected: 0 messages in INBOX.")).to_be_visible()
    screenshot(page, "email-channel-connected")

    dovecot.deliver(
        message(sender="Wanda Writer <wanda@customer.example>", subject="Invoice is wrong")
    )
    mailboxes_fetch_task()  # the beat's fetch, every minute in production
    page.reload()
    expect(page.locator(".imported-count")).to_have_text("1")
    screenshot(page, "email-channel-imported")

    ticket = Ticket.objects.for_account(acme).get(subject="Invoice is wrong")
    assert ticket.requester.email == "wanda@customer.example"
    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    expect(page.get_by_role("heading", name="Invoice is wrong")).to_be_visible()
    expect(page.get_by_text("Wanda Writer").first).to_be_visible()
    screenshot(page, "email-channel-ticket")

    page.goto(f"{acme_url}/agent/settings/email/")
    row = page.locator("table.mailbox-channels tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="support@acme.example")).to_be_visible()
    expect(row.get_by_text("OK", exact=True)).to_be_visible()
    screenshot(page, "email-channels-list")
