"""The ticket page's Requester is the new-ticket form's type-ahead: the same widget, the
same endpoints and the same checks; changing the requester works like choosing one, and
a refused one loses nothing the agent typed (issue 15, item 16)."""

import html
import re

import pytest

from tests.factories import EndUserFactory, make_ticket
from tests.tickets.conftest import htmx
from tests.tickets.test_views_ticket import page_of, sidebar_data, sidebar_data_from
from tickets.models import TicketEvent

PICK = "/agent/tickets/new/requester/pick/"
SEARCH = "/agent/tickets/new/requester/search/"


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="VPN drops", body="Hi"
    )


def requester_widget(page: str) -> str:
    """The type-ahead's markup, up to the hidden copy of the loaded value after it."""
    return page.split('<div id="requester-field"', 1)[1].split('name="initial-requester"')[0]


def test_ticket_page_requester_is_the_type_ahead_showing_the_current_requester(
    ticket, acme_user, agent_client
):
    page = agent_client.get(page_of(ticket)).text
    assert 'type="email"' not in page.split("fields/", 1)[1].split("</form>")[0]
    widget = requester_widget(page)
    assert "data-typeahead" in page.split('<div id="requester-field"', 1)[1][:120]
    assert acme_user.name in widget and acme_user.email in widget
    assert f'href="?requester=change#requester-field" hx-get="{PICK}"' in widget
    # The value the page was loaded with goes along, so a concurrent change is noticed.
    assert f'name="initial-requester" value="{acme_user.email}"' in page


def test_change_without_javascript_shows_the_search_field_with_the_current_email(
    ticket, acme_user, agent_client
):
    widget = requester_widget(agent_client.get(f"{page_of(ticket)}?requester=change").text)
    assert f'hx-get="{SEARCH}"' in widget and 'role="combobox"' in widget
    assert f'value="{acme_user.email}"' in widget
    assert "Leave empty" not in widget  # the ticket always has a requester


def test_changing_the_requester_with_the_type_ahead_value(acme, ticket, acme_agent, agent_client):
    bea = EndUserFactory(account=acme, name="Bea Buyer", email="bea@customer.example")
    results = htmx(agent_client, SEARCH, requester="Bea").text
    assert f"{PICK}?user={bea.number}" in results
    picked = htmx(agent_client, PICK, user=bea.number).text
    value = re.search(r'<input type="hidden" name="requester" value="([^"]+)">', picked)[1]
    data = sidebar_data(agent_client, ticket)
    data["requester"] = html.unescape(value)
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.requester == bea
    assert TicketEvent.objects.for_account(acme).filter(ticket=ticket, field="requester").exists()


@pytest.mark.parametrize("who", ["unknown", "other account", "not an address"])
def test_refused_requester_is_a_clear_error_and_nothing_is_lost(
    ticket, acme_user, globex_user, agent_client, who
):
    typed = {
        "unknown": "nobody@nowhere.example",
        "other account": globex_user.email,
        "not an address": "Bea from accounting",
    }[who]
    data = sidebar_data(agent_client, ticket)
    data.update(requester=typed, priority="urgent", tags="vpn")
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 200
    message = (
        "Pick a requester from the search results, or type their email address."
        if who == "not an address"
        else "No user has this email."
    )
    widget = requester_widget(response.text)
    assert message in widget
    # Another account's user is not named: the same answer as for nobody.
    assert globex_user.name not in response.text
    again = sidebar_data_from(response.text, ticket)
    assert again["requester"] == typed
    assert again["priority"] == "urgent" and again["tags"] == "vpn"
    ticket.refresh_from_db()
    assert ticket.requester == acme_user and ticket.priority == ""


def test_the_new_ticket_form_keeps_its_own_note_and_fallback(agent_client):
    page = agent_client.get("/agent/tickets/new/").text
    assert "Leave empty to be the requester yourself." in page
    assert 'name="requester_name"' in page
    assert 'id="requester-field"' in page and f'hx-get="{SEARCH}"' in page
