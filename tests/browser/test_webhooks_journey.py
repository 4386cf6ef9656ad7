"""Webhooks in Chromium: an admin adds one pointing at a real local receiver (an invalid
address first), sends a test, reads the delivery log, reveals the signing secret, and
has a trigger notify the webhook."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ticket
from tests.webhooks.conftest import receiver  # noqa: F401 - the fixture
from webhooks.models import Webhook

pytestmark = pytest.mark.browser


def test_admin_adds_a_webhook_tests_it_and_a_trigger_calls_it(
    page,
    acme_url,
    acme,
    acme_admin,
    acme_agent,
    password,
    receiver,  # noqa: F811 - the fixture imported above
):
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/settings/webhooks/")
    expect(page.get_by_role("link", name="Webhooks")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Add webhook").click()
    page.get_by_label("Name", exact=True).fill("Orders system")
    page.get_by_label("Endpoint URL").fill("https://10.0.0.5/hook")
    page.get_by_role("button", name="Create webhook").click()
    expect(page.get_by_role("alert").first).to_contain_text("private or reserved")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Orders system")
    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_role("button", name="Create webhook").click()
    expect(page.get_by_text("Webhook “Orders system” saved.")).to_be_visible()
    screenshot(page, "webhooks-edit")
    webhook = Webhook.objects.for_account(acme).get()

    page.get_by_role("button", name="Send test").first.click()
    expect(page.get_by_text("Test request queued")).to_be_visible()
    page.reload()
    expect(page.locator("table.webhook-log tbody tr").first).to_contain_text("200")
    screenshot(page, "webhooks-log")
    assert receiver.received[0].signature_valid(webhook.signing_secret)

    page.get_by_role("link", name="Orders system").click()
    page.get_by_role("button", name="Reveal secret").click()
    expect(page.locator("code.secret")).to_have_text(webhook.signing_secret)

    page.goto(f"{acme_url}/agent/settings/triggers/new/")
    page.get_by_label("Name", exact=True).fill("Tell the orders system")
    page.locator("#cond-0-field").select_option("update_type")
    page.locator("#cond-0-operator").select_option("is")
    page.locator("#cond-0-value").fill("created")
    page.locator("#act-0-action").select_option("notify_webhook")
    page.locator("#act-0-value").fill(str(webhook.number))
    page.get_by_label("Body (an email’s, or a webhook’s JSON)").first.fill(
        '{"title": "{{ticket.title}}"}'
    )
    page.get_by_role("button", name="Create trigger").click()
    expect(page.locator("table.triggers")).to_contain_text("Tell the orders system")

    page.goto(f"{acme_url}/agent/settings/webhooks/")
    screenshot(page, "webhooks-list")
    assert not errors
    make_ticket(account=acme, submitter=acme_agent, subject="Order 42 lost")
    assert receiver.received[-1].json() == {"title": "Order 42 lost"}
