"""Seed 004: an agent escalates a ticket to Engineering and moves it through two stages;
the requester, reading Italian, follows the escalation's timeline on the request page
and sees "Escalato" in My activities, never the agents' description."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import AgentGroupFactory, make_ticket

pytestmark = pytest.mark.browser

DESCRIPTION = "Heap dump shows a leak in the spooler; needs a patch."


def test_agent_escalates_and_the_requester_follows_the_timeline_in_italian(
    page, acme_url, acme, acme_agent, acme_user, password
):
    AgentGroupFactory(account=acme, name="Engineering")
    ticket = make_ticket(
        account=acme, submitter=acme_user, subject="Stampante bloccata", body="Si blocca."
    )
    page.set_viewport_size({"width": 1280, "height": 1100})
    sign_in(page, acme_url, acme_agent.email, password)
    page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    panel = page.locator("#escalations")
    panel.locator("summary", has_text="Escalate").click()
    panel.get_by_label("Escalate to group").select_option(label="Engineering")
    panel.get_by_label("Description (internal)").fill(DESCRIPTION)
    panel.get_by_label("Estimated resolution").fill("2030-03-04")
    panel.get_by_role("button", name="Escalate", exact=True).click()
    expect(page.get_by_text("Escalation 1 created.")).to_be_visible()

    for stage in ("In evaluation", "Engineering"):
        panel.get_by_label("Stage", exact=True).select_option(label=stage)
        panel.get_by_role("button", name="Update escalation").click()
        expect(page.get_by_text("Escalation updated.")).to_be_visible()
        expect(panel.locator(".badge")).to_have_text(stage)
    panel.locator("summary", has_text="History").click()
    expect(panel.locator(".escalation-history li")).to_have_count(3)
    screenshot(page, "escalation-agent")

    acme_user.locale = "it"
    acme_user.save()
    page.context.clear_cookies()
    sign_in(page, acme_url, acme_user.email, password)
    page.goto(f"{acme_url}/hc/")
    expect(page.locator(".hc-status-escalated")).to_have_text("Escalato")
    page.goto(f"{acme_url}/hc/requests/{ticket.number}/")
    timeline = page.locator(".hc-escalation")
    expect(timeline.get_by_role("heading")).to_have_text("Avanzamento dell’escalation")
    expect(timeline.locator("[aria-current=step]")).to_contain_text("Ingegneria in corso")
    expect(timeline.locator(".hc-step-done")).to_have_count(2)
    expect(timeline).to_contain_text("Risoluzione stimata: 4 mar 2030")
    expect(page.locator("body")).not_to_contain_text(DESCRIPTION)
    screenshot(page, "escalation-requester-it")
