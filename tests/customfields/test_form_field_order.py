"""Ordering a form's fields on its admin page (issue 19): up/down buttons, each a plain
POST that htmx turns into a swap of the order list; admins of the account only."""

from __future__ import annotations

import pytest

from customfields.form_services import ticket_form_create
from customfields.models import TicketForm
from customfields.services import ticket_field_create


@pytest.fixture
def form(acme):
    fields = [ticket_field_create(account=acme, kind="text", title=t) for t in ("A", "B", "C")]
    return ticket_form_create(account=acme, name="Outage", field_numbers=[f.number for f in fields])


def url(form, field_number: int) -> str:
    return f"/agent/settings/fields/forms/{form.number}/fields/{field_number}/move/"


def order(form) -> list[int]:
    return TicketForm.objects.for_account(form.account).get(pk=form.pk).field_numbers


def test_admin_moves_a_field_with_a_plain_post(acme_admin, client_for, form):
    a, b, c = form.field_numbers
    client = client_for(acme_admin)
    page = client.get(f"/agent/settings/fields/forms/{form.number}/").content.decode()
    assert 'aria-label="Move A down"' in page and url(form, a) in page
    response = client.post(url(form, a), {"direction": "down"})
    assert response.status_code == 302
    assert order(form) == [b, a, c]


def test_htmx_move_returns_the_list_with_focus_on_the_moved_field(acme_admin, client_for, form):
    a, b, c = form.field_numbers
    response = client_for(acme_admin).post(
        url(form, c), {"direction": "up"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="form-field-order"' in html
    assert html.index(">A<") < html.index(">C<") < html.index(">B<")
    assert 'value="up" autofocus aria-label="Move C up"' in html
    assert order(form) == [a, c, b]


def test_moves_past_the_ends_or_of_other_fields_change_nothing(acme_admin, client_for, form):
    a, b, c = form.field_numbers
    client = client_for(acme_admin)
    client.post(url(form, a), {"direction": "up"})
    client.post(url(form, c), {"direction": "down"})
    client.post(url(form, 99999), {"direction": "up"})
    client.post(url(form, b), {"direction": "sideways"})
    assert order(form) == [a, b, c]


def test_agents_and_other_accounts_cannot_move(acme_agent, globex, client_for, form):
    from tests.factories import AdminFactory

    a = form.field_numbers[0]
    assert client_for(acme_agent).post(url(form, a), {"direction": "down"}).status_code == 403
    other = client_for(AdminFactory(account=globex))
    assert other.post(url(form, a), {"direction": "down"}).status_code == 404
    assert order(form)[0] == a
