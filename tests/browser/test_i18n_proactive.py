"""The proactive flow in two languages: an Italian agent (profile language) opens a ticket
for a Spanish-speaking customer, who then finds it in a help center that speaks Spanish
(their browser's language), switches language and back. Screenshots of every step are in
tests/browser/screenshots/i18n-*.png, for a native speaker to read."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import screenshot
from tests.factories import AgentFactory, EndUserFactory

pytestmark = pytest.mark.browser

SIGN_IN = {
    "it": {"email": "Email", "password": "Password", "button": "Accedi"},
    "es": {"email": "Correo electrónico", "password": "Contraseña", "button": "Iniciar sesión"},
}


def sign_in_as(page, base_url: str, language: str, email: str, password: str) -> None:
    labels = SIGN_IN[language]
    page.goto(f"{base_url}/signin/")
    page.get_by_label(labels["email"], exact=True).fill(email)
    page.get_by_label(labels["password"], exact=True).fill(password)
    page.get_by_role("button", name=labels["button"]).click()


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(f"{m.text} {m.location}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_italian_agent_opens_a_ticket_a_spanish_customer_reads_in_spanish(
    browser, acme_url, acme, password
):
    giulia = AgentFactory(
        account=acme,
        name="Giulia Bianchi",
        email="giulia@acme.example",
        locale="it",
        time_zone="Europe/Rome",
    )
    EndUserFactory(
        account=acme,
        name="Ana García",
        email="ana@cliente.example",
        locale="",
        time_zone="America/Mexico_City",
    )

    # The agent's profile says Italian (and so does her browser, for its own widgets).
    agent_context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    page = agent_context.new_page()
    agent_errors = watch_errors(page)
    sign_in_as(page, acme_url, "it", giulia.email, password)
    expect(page).to_have_url(f"{acme_url}/agent/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", name="I tuoi ticket non risolti")).to_be_visible()
    screenshot(page, "i18n-it-agent-home")

    # +Aggiungi → Ticket: the seed's words.
    add = page.locator(".add-menu").get_by_role("button")
    expect(add).to_have_text("+Aggiungi")
    add.click()
    page.locator(".add-menu").get_by_role("link", name="Ticket", exact=True).click()
    expect(page.get_by_role("heading", name="Nuovo ticket")).to_be_visible()
    expect(page.get_by_label("Risposta pubblica")).to_be_checked()
    page.get_by_role("combobox", name="Richiedente").fill("Ana")
    expect(page.get_by_role("option", name=re.compile("Ana García"))).to_be_visible()
    screenshot(page, "i18n-it-agent-new-ticket-typeahead")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(".requester-chip")).to_contain_text("Ana García")
    page.get_by_label("Oggetto").fill("Renovación de su licencia")
    page.get_by_label("Descrizione").fill(
        "Hola Ana: su licencia se renueva la semana que viene. Le enviamos la oferta."
    )
    screenshot(page, "i18n-it-agent-new-ticket")
    page.get_by_role("button", name="Invia come nuovo").click()
    expect(page.get_by_text("Ticket n. 1 creato.")).to_be_visible()
    screenshot(page, "i18n-it-agent-ticket-page")
    page.get_by_role("link", name=re.compile("Tutti i ticket non risolti")).click()
    expect(page.get_by_role("link", name="Renovación de su licencia")).to_be_visible()
    screenshot(page, "i18n-it-agent-ticket-list")

    # The customer's browser speaks Spanish; she has no language in her profile yet.
    ana = User.objects.for_account(acme).get(email="ana@cliente.example")
    customer_context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    portal = customer_context.new_page()
    portal_errors = watch_errors(portal)
    portal.goto(f"{acme_url}/signin/")
    expect(portal.get_by_role("heading", name="Iniciar sesión en Acme Inc.")).to_be_visible()
    screenshot(portal, "i18n-es-signin")
    sign_in_as(portal, acme_url, "es", ana.email, password)
    expect(portal).to_have_url(f"{acme_url}/hc/")
    expect(portal.locator("html")).to_have_attribute("lang", "es")
    expect(portal.get_by_role("heading", name="Mis actividades")).to_be_visible()
    expect(portal.get_by_role("link", name="Renovación de su licencia")).to_be_visible()
    screenshot(portal, "i18n-es-help-center-home")
    portal.get_by_role("link", name="Renovación de su licencia").click()
    expect(portal.get_by_text("su licencia se renueva")).to_be_visible()
    expect(
        portal.get_by_role("heading", name=re.compile("Renovación de su licencia"))
    ).to_be_visible()
    screenshot(portal, "i18n-es-help-center-request")

    # The switcher: Italiano, then back to Español; the choice lands in her profile.
    request_url = portal.url
    portal.get_by_role("button", name="Italiano").click()
    expect(portal).to_have_url(request_url)
    expect(portal.locator("html")).to_have_attribute("lang", "it")
    expect(portal.get_by_role("link", name="Le mie attività").first).to_be_visible()
    ana.refresh_from_db()
    assert ana.locale == "it"
    portal.get_by_role("button", name="Español").click()
    expect(portal.locator("html")).to_have_attribute("lang", "es")
    expect(portal.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    ana.refresh_from_db()
    assert ana.locale == "es"

    portal.set_viewport_size({"width": 390, "height": 844})
    portal.goto(f"{acme_url}/hc/")
    screenshot(portal, "i18n-es-help-center-phone")
    overflow = portal.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the Spanish help center scrolls sideways by {overflow}px on a phone"

    customer_context.close()
    agent_context.close()
    assert not [e for e in agent_errors + portal_errors if "favicon" not in e]
