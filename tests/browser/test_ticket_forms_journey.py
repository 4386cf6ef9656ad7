"""Ticket forms and conditional fields in Chromium (issue 19): an admin creates a
drop-down and a field shown only for one of its options, puts both on a form the help
center offers; an end user submits that form (the conditional field appears as they
choose) and finds it through the help center's search filtered on the drop-down; the
agent sees the values on the ticket and a view filtered by the drop-down finds it."""

import pytest
from playwright.sync_api import expect

from customfields.models import TicketField
from tests.browser.conftest import screenshot, sign_in
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def test_admin_builds_a_form_end_user_submits_it_agent_filters_by_it(
    page, browser, acme_url, acme, acme_admin, acme_agent, acme_user, password
):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, acme_url, acme_admin.email, password)

    # A drop-down end users fill in, and a text field for printers only.
    page.goto(f"{acme_url}/agent/settings/fields/new/")
    page.select_option("#id_kind", "tagger")
    page.fill("#id_title", "Device")
    page.fill("#id_title_it", "Dispositivo")
    page.fill("#id_options_text", "laptop: Laptop\nprinter: Printer")
    page.check("#id_visible_in_portal")
    page.check("#id_editable_in_portal")
    page.get_by_role("button", name="Create field").click()
    expect(page.get_by_text("Field created.")).to_be_visible()
    page.goto(f"{acme_url}/agent/settings/fields/new/")
    page.select_option("#id_kind", "text")
    page.fill("#id_title", "Printer model")
    page.check("#id_visible_in_portal")
    page.check("#id_editable_in_portal")
    page.get_by_role("button", name="Create field").click()
    expect(page.get_by_text("Field created.")).to_be_visible()
    device = TicketField.objects.for_account(acme).get(title="Device")
    model = TicketField.objects.for_account(acme).get(title="Printer model")

    # The form, offered in the help center, with the condition.
    page.goto(f"{acme_url}/agent/settings/fields/")
    page.get_by_role("link", name="Ticket forms").click()
    page.get_by_role("link", name="Add form").click()
    page.get_by_label("Name", exact=True).fill("Hardware")
    page.get_by_label("Name for end users").fill("Report a hardware problem")
    page.get_by_label("Shown in the help center").check()
    page.get_by_label("Device", exact=True).check()
    page.get_by_label("Printer model", exact=True).check()
    page.locator("select[name='cond-0-when']").select_option(label="Device: Printer")
    page.locator("select[name='cond-0-show']").select_option(label="Printer model")
    page.locator("input[name='cond-0-required']").check()
    screenshot(page, "ticket-forms-editor")
    page.get_by_role("button", name="Create form").click()
    expect(page.get_by_text("Form saved.").or_(page.get_by_text("Form created."))).to_be_visible()

    # The end user submits it: the printer's field shows once Printer is chosen.
    user = browser.new_context(viewport={"width": 1280, "height": 900})
    user_page = user.new_page()
    user_page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(user_page, acme_url, acme_user.email, password)
    user_page.goto(f"{acme_url}/hc/requests/new/")
    user_page.get_by_label("Subject").fill("The printer jams")
    model_input = user_page.get_by_label("Printer model")
    expect(model_input).to_be_hidden()
    user_page.get_by_label("Device").select_option(label="Printer")
    expect(model_input).to_be_visible()
    model_input.fill("LaserJet 4000")
    editor = user_page.get_by_role("textbox", name="Description")
    editor.click()
    user_page.keyboard.type("Every second page jams.")
    screenshot(user_page, "ticket-forms-help-center")
    user_page.get_by_role("button", name="Submit").click()
    expect(user_page.get_by_text("was submitted")).to_be_visible()
    # The help center's search narrows the results by the same drop-down.
    user_page.goto(f"{acme_url}/hc/search/?q=printer")
    filters = user_page.get_by_role("form", name="Filter results by field")
    filters.get_by_label("Device").select_option(label="Laptop")
    filters.get_by_role("button", name="Filter").click()
    expect(user_page.get_by_text("No requests match your search and filters.")).to_be_visible()
    filters = user_page.get_by_role("form", name="Filter results by field")
    filters.get_by_label("Device").select_option(label="Printer")
    filters.get_by_role("button", name="Filter").click()
    expect(user_page.get_by_role("link", name="The printer jams")).to_be_visible()
    screenshot(user_page, "help-center-search-filters")
    user.close()
    ticket = Ticket.objects.for_account(acme).get(subject="The printer jams")
    assert ticket.custom_fields == {device.key: "printer", model.key: "LaserJet 4000"}

    # The admin makes a view of printers; the agent sees the values and the view.
    page.goto(f"{acme_url}/agent/settings/views/")
    page.get_by_role("link", name="Add view").click()
    page.get_by_label("Title").fill("Printers")
    page.locator("#id_all-0-field").select_option(f"custom_fields.{device.number}")
    page.locator("#id_all-0-operator").select_option("is")
    page.locator("#id_all-0-value").select_option(label="Printer")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("heading", name="Printers")).to_be_visible()

    agent = browser.new_context(viewport={"width": 1280, "height": 900})
    agent_page = agent.new_page()
    agent_page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(agent_page, acme_url, acme_agent.email, password)
    agent_page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
    expect(agent_page.locator(f"#side_cf-{device.number}")).to_have_value("printer")
    expect(agent_page.locator(f"#side_cf-{model.number}")).to_have_value("LaserJet 4000")
    screenshot(agent_page, "ticket-forms-agent-ticket")
    agent_page.locator(".sidenav a", has_text="Printers").click()
    expect(agent_page.get_by_role("heading", name="Printers")).to_be_visible()
    subjects = agent_page.locator("table.tickets tbody a.ticket-link").all_inner_texts()
    assert subjects == ["The printer jams"]
    screenshot(agent_page, "ticket-forms-agent-view")
    agent.close()
    assert not errors, errors
