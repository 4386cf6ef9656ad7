"""The agent workspace names a thing the same way wherever it shows it, in every language:
a view as its list's title, a status as the "Submit as" menu, a ticket field as its form."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.factories import make_ticket
from tickets.forms import TicketFieldsForm
from tickets.models import DEFAULT_VIEW_TITLES, Ticket
from tickets.services import ticket_update


@pytest.fixture
def italian_agent(acme_agent):
    acme_agent.locale = "it"
    acme_agent.save()
    return acme_agent


@pytest.fixture
def ticket(acme, italian_agent, acme_user):
    return make_ticket(account=acme, submitter=italian_agent, requester=acme_user)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("view_key", list(DEFAULT_VIEW_TITLES))
def test_sidebar_names_each_view_as_its_list_does(view_key, italian_agent, client_for):
    html = client_for(italian_agent).get(f"/agent/views/{view_key}/", follow=True).text
    [title] = re.findall(r"<h1>(.*?)</h1>", html)
    [current] = re.findall(r'aria-current="page">(.*?)</a>', html)
    assert text_of(re.sub(r'<span class="count">.*?</span>', "", current)) == title
    with translation.override("it"):
        assert title == str(DEFAULT_VIEW_TITLES[view_key][1])


def submit_labels(html: str) -> list[str]:
    return re.findall(
        r'<button class="btn btn-primary" type="submit" name="status"[^>]*>(.*?)<', html
    )


@pytest.mark.parametrize(
    ("status", "label"),
    [(Ticket.Status.NEW, "Invia come nuovo"), (Ticket.Status.OPEN, "Invia come aperto")],
)
def test_submit_as_names_the_status_as_the_new_ticket_form_and_the_menu_do(
    status, label, acme_agent, italian_agent, ticket, client_for
):
    if status != ticket.status:
        ticket_update(ticket=ticket, actor=acme_agent, status=status)
    client = client_for(italian_agent)
    assert submit_labels(client.get(f"/agent/tickets/{ticket.number}/").text) == [label]
    new_ticket = client.get("/agent/tickets/new/").text
    assert submit_labels(new_ticket) == ["Invia come nuovo"]
    assert label in new_ticket  # and the same words in the menu


def test_activity_names_each_changed_field_with_the_ticket_forms_label(
    acme, acme_agent, italian_agent, ticket, client_for
):
    ticket_update(
        ticket=ticket,
        actor=acme_agent,
        priority=Ticket.Priority.HIGH,
        tags=["vip"],
        assignee=italian_agent,
    )
    html = client_for(italian_agent).get(f"/agent/tickets/{ticket.number}/?tab=activity").text
    shown = {text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", html, re.S)}
    with translation.override("it"):
        form = TicketFieldsForm(account=acme, ticket=ticket)
        labels = {str(form.fields[name].label) for name in ("priority", "tags", "assignee")}
    assert labels == {"Priorità", "Tag", "Assegnatario"}
    assert labels <= shown
    assert not {"priority", "tags", "assignee", "priorità", "tag", "assegnatario"} & shown


# The seeds' words (000, 003: "la scheda +Aggiungi", "la pestaña +Agregar").
@pytest.mark.parametrize(
    ("locale", "label"), [("en", "+ Add"), ("it", "+Aggiungi"), ("es", "+Agregar")]
)
def test_the_add_menu_reads_as_the_seeds_write_it(locale, label, acme_agent, client_for):
    acme_agent.locale = locale
    acme_agent.save()
    html = client_for(acme_agent).get("/agent/", follow=True).text
    [button] = re.findall(r'aria-controls="add-menu-items">(.*?)</button>', html)
    assert button == label


def test_the_type_change_is_a_noun_where_the_button_change_is_a_verb(
    acme, acme_agent, acme_user, client_for
):
    acme_agent.locale = "es"
    acme_agent.save()
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    html = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").text
    assert '<option value="change">Cambio</option>' in html
    assert ">Cambiar</" in html  # the requester field's button


@pytest.mark.parametrize("locale", ["en", "it", "es"])
def test_a_users_admin_page_names_each_card_differently(locale, acme_admin, acme_user, client_for):
    acme_admin.locale = locale
    acme_admin.save()
    html = client_for(acme_admin).get(f"/agent/settings/users/{acme_user.number}/").text
    headings = [text_of(h) for h in re.findall(r"<h2>(.*?)</h2>", html, re.S)]
    assert len(headings) == len(set(headings)), headings
