"""The main pages in Italian and in Spanish, for a native speaker to read: screenshots in
tests/browser/screenshots/i18n-<language>-<page>.png. Each page must say it is in that
language and keep English out (the strict word check is tests/i18n)."""

import pytest
from playwright.sync_api import expect

from notifications.models import Trigger
from tests.browser.conftest import screenshot
from tests.factories import AdminFactory, EndUserFactory, make_ticket
from tickets.services import comment_add, ticket_update

pytestmark = pytest.mark.browser

AGENT_PAGES = {
    "agent-ticket": "/agent/tickets/{number}/",
    "agent-ticket-activity": "/agent/tickets/{number}/?tab=activity",
    "agent-settings": "/agent/settings/",
    "agent-triggers": "/agent/settings/triggers/",
    "agent-trigger-edit": "/agent/settings/triggers/{trigger}/",
    "agent-preferences": "/preferences/",
}
HELP_CENTER_PAGES = {
    "hc-request": "/hc/requests/{number}/",
    "hc-new-request": "/hc/requests/new/",
    "hc-search": "/hc/search/?q=impresora",
    "hc-preferences": "/preferences/",
}


@pytest.mark.parametrize("language", ["it", "es"])
def test_main_pages_in_each_language(browser, acme_url, acme, password, language):
    admin = AdminFactory(account=acme, name="Giulia Bianchi", locale=language)
    customer = EndUserFactory(
        account=acme, name="Ana García", locale=language, time_zone="America/Mexico_City"
    )
    ticket = make_ticket(
        account=acme,
        submitter=customer,
        subject="La impresora no imprime",
        body="Desde esta mañana la impresora de la oficina no imprime.",
    )
    comment_add(ticket=ticket, author=admin, body="Controllo il driver.", public=False)
    comment_add(ticket=ticket, author=admin, body="¿Puede reiniciarla, por favor?")
    ticket_update(ticket=ticket, actor=admin, status="pending", priority="high")
    trigger = Trigger.objects.for_account(acme).get(default_key="requester_proactive")
    values = {"number": ticket.number, "trigger": trigger.number}

    locale = {"it": "it-IT", "es": "es-ES"}[language]
    for who, pages in ((admin, AGENT_PAGES), (customer, HELP_CENTER_PAGES)):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{acme_url}/signin/")
        page.locator("input[name=username]").fill(who.email)
        page.locator("input[name=password]").fill(password)
        page.locator("button.btn-primary[type=submit]").click()
        page.wait_for_url(lambda url: "/signin/" not in url)
        for name, path in pages.items():
            page.goto(acme_url + path.format(**values))
            expect(page.locator("html")).to_have_attribute("lang", language)
            screenshot(page, f"i18n-{language}-{name}")
        context.close()
