"""The knowledge base's journey in Chromium (issue 25): an admin writes an article in
English with an image and its Italian translation and publishes it; an anonymous visitor
finds it in Italian by an inflected word; an end user starting a request sees it
suggested and leaves (a deflection); an agent links it from the reply box and the
request page lists it under "Shared resources"."""

import re

import pytest
from playwright.sync_api import expect

from knowledge import services
from knowledge.models import ArticleImage, Deflection
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_portal_journey import png
from tests.factories import make_ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def section(acme_admin):
    category = services.category_save(editor=acme_admin, locale="en", name="Printing")
    return services.section_save(editor=acme_admin, category=category, locale="en", name="Setup")


def test_article_written_translated_found_suggested_and_shared(
    page, browser, acme_url, acme, acme_admin, acme_agent, acme_user, section, password, tmp_path
):
    # The admin writes the English article with an image, then its Italian version.
    sign_in(page, acme_url, acme_admin.email, password)
    page.goto(f"{acme_url}/agent/knowledge/articles/new/?locale=en")
    page.get_by_label("Title").fill("Setting up the office printers")
    page.get_by_label("Body").fill("<h2>Steps</h2><p>Open Settings, then Printers.</p>")
    image = tmp_path / "printer.png"
    image.write_bytes(png())
    page.get_by_label("Add images").set_input_files(str(image))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Article saved as a draft.")).to_be_visible()
    page.get_by_role("navigation", name="Languages").get_by_role("link", name="Italiano").click()
    page.get_by_label("Title").fill("Configurare le stampanti dell'ufficio")
    page.get_by_label("Body").fill("<p>Apri Impostazioni, poi Stampanti.</p>")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Article saved.")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Published")
    screenshot(page, "kb-editor-published")
    assert ArticleImage.objects.for_account(acme).filter(article__isnull=False).count() == 1

    # An anonymous visitor reading Italian finds it by an inflected word.
    visitor = browser.new_context(locale="it-IT")
    anonymous = visitor.new_page()
    anonymous.goto(f"{acme_url}/hc/kb/")
    anonymous.get_by_role("searchbox").fill("stampante")
    anonymous.get_by_role("searchbox").press("Enter")
    result = anonymous.get_by_role("link", name=re.compile("Configurare le stampanti"))
    expect(result).to_be_visible()
    screenshot(anonymous, "kb-search-italian-anonymous")
    result.click()
    expect(anonymous.get_by_role("heading", level=1)).to_contain_text("Configurare le stampanti")
    screenshot(anonymous, "kb-article-italian-anonymous")
    visitor.close()

    # An end user starting a request sees it suggested, opens it and leaves.
    customer = browser.new_context(locale="en-US")
    user_page = customer.new_page()
    sign_in(user_page, acme_url, acme_user.email, password)
    expect(user_page.get_by_role("heading", name="My activities")).to_be_visible()
    expect(user_page.locator("#kb-home-panel")).to_be_visible()
    screenshot(user_page, "kb-help-center-home")
    user_page.goto(f"{acme_url}/hc/requests/new/")
    user_page.get_by_label("Subject").press_sequentially("office printer", delay=30)
    suggestion = user_page.get_by_role("link", name=re.compile("Setting up the office printers"))
    expect(suggestion).to_be_visible()
    screenshot(user_page, "kb-suggested-while-typing")
    suggestion.click()
    expect(
        user_page.get_by_role("link", name="I still need help: submit a request")
    ).to_be_visible()
    expect(user_page.locator(".kb-body img")).to_be_visible()
    user_page.wait_for_load_state("networkidle")
    assert Deflection.objects.for_account(acme).count() == 1

    # An agent links it from the reply box; the request page lists it as a shared resource.
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Printer offline")
    agent_context = browser.new_context(locale="en-US")
    agent_page = agent_context.new_page()
    sign_in(agent_page, acme_url, acme_agent.email, password)
    agent_page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    agent_page.get_by_text("Link an article").click()
    agent_page.get_by_label("Search the knowledge base").fill("printers")
    agent_page.get_by_role("button", name="Insert link").first.click()
    body = agent_page.locator("#reply textarea[name=body]")
    expect(body).to_have_value(re.compile(r"/hc/kb/articles/\d+/"))
    screenshot(agent_page, "kb-link-from-reply-box")
    agent_page.locator("#reply .split-submit > button[name=status]").click()
    expect(agent_page.locator(".conversation")).to_contain_text("/hc/kb/articles/")
    agent_context.close()

    user_page.goto(f"{acme_url}/hc/requests/{ticket.number}/")
    shared = user_page.get_by_role("region", name="Shared resources")
    expect(shared.get_by_role("link", name="Setting up the office printers")).to_be_visible()
    screenshot(user_page, "kb-shared-resources")
    customer.close()
