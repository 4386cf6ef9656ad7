"""Admin settings → Fields (issue 19): admins create, rename and delete fields; options
typed one a line keep their values when renamed; bad input is shown on the form."""

from __future__ import annotations

from customfields.models import TicketField
from tests.factories import make_ticket
from tickets.services import ticket_update


def test_admin_creates_a_dropdown_and_renames_an_option_keeping_ticket_values(
    acme, acme_admin, acme_agent, client_for
):
    client = client_for(acme_admin)
    assert "Root cause" in client.get("/agent/settings/fields/").content.decode()
    response = client.post(
        "/agent/settings/fields/new/",
        {
            "kind": "tagger",
            "title": "Region",
            "options_text": "North\nsouth: South::Islands",
            "active": "on",
            "required": "on",
            "required_for_problem_only": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    field = TicketField.objects.for_account(acme).get(title="Region")
    assert [(o.value, o.title) for o in field.options.all()] == [
        ("north", "North"),
        ("south", "South::Islands"),
    ]
    assert field.required_for_types == ["problem"]
    ticket = make_ticket(account=acme, submitter=acme_agent)
    ticket_update(ticket=ticket, actor=acme_agent, custom_fields={field.number: "south"})
    response = client.post(
        f"/agent/settings/fields/{field.number}/",
        {
            "title": "Region",
            "options_text": "north: North\nsouth: Southern islands",
            "active": "on",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.custom_fields == {field.key: "south"}
    page = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "Southern islands" in page


def test_bad_definitions_come_back_with_a_message(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    response = client.post(
        "/agent/settings/fields/new/",
        {"kind": "regexp", "title": "Code", "regexp": "([", "active": "on"},
    )
    assert response.status_code == 200
    assert "not a valid regular expression" in response.content.decode()
    response = client.post(
        "/agent/settings/fields/new/",
        {"kind": "tagger", "title": "Dup", "options_text": "A\na", "active": "on"},
    )
    assert response.status_code == 200
    assert "Two options have the value" in response.content.decode()


def test_agents_get_403_and_end_users_404_and_other_accounts_404(
    acme, acme_agent, acme_user, acme_admin, globex, client_for
):
    field = TicketField.objects.for_account(acme).first()
    assert client_for(acme_agent).get("/agent/settings/fields/").status_code == 403
    assert client_for(acme_user).get("/agent/settings/fields/").status_code == 404
    from tests.factories import AdminFactory

    other = client_for(AdminFactory(account=globex))
    assert other.get(f"/agent/settings/fields/{field.number + 100}/").status_code == 404


def test_admin_deletes_a_field(acme, acme_admin, client_for):
    field = TicketField.objects.for_account(acme).get(title="Impact")
    response = client_for(acme_admin).post(f"/agent/settings/fields/{field.number}/delete/")
    assert response.status_code == 302
    assert not TicketField.objects.for_account(acme).filter(title="Impact").exists()
