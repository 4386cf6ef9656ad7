"""Ticket forms in the API (issue 19): ticket_forms.json in Zendesk's shape (agents
read, admins write), and ticket_form_id on tickets and requests."""

from __future__ import annotations

from customfields.models import TicketField, TicketForm
from customfields.services import ticket_field_create


def test_ticket_forms_round_trip_and_ticket_form_id(
    acme, acme_admin, acme_agent, acme_user, api_for
):
    admin = api_for(acme_admin)
    listed = admin.get("ticket_forms.json").json()
    assert {f["name"] for f in listed["ticket_forms"]} == {"Default ticket form", "Escalation"}
    impact = TicketField.objects.for_account(acme).get(title="Impact")
    note = ticket_field_create(
        account=acme, kind="text", title="Note", visible_in_portal=True, editable_in_portal=True
    )
    response = admin.post(
        "ticket_forms.json",
        {
            "ticket_form": {
                "name": "Outage",
                "display_name": "Report an outage",
                "end_user_visible": True,
                "ticket_field_ids": [impact.number, note.number],
                "agent_conditions": [
                    {
                        "parent_field_id": impact.number,
                        "value": "critical",
                        "child_fields": [{"id": note.number, "is_required": True}],
                    }
                ],
            }
        },
    )
    assert response.status_code == 201, response.content
    form = response.json()["ticket_form"]
    assert form["display_name"] == "Report an outage" and form["end_user_visible"]
    assert form["ticket_field_ids"] == [impact.number, note.number]
    assert form["agent_conditions"][0]["child_fields"] == [{"id": note.number, "is_required": True}]
    assert form["end_user_conditions"] == []  # Impact is agent-only
    number = form["id"]
    bad = admin.put(
        f"ticket_forms/{number}.json",
        {
            "ticket_form": {
                "agent_conditions": [
                    {
                        "parent_field_id": impact.number,
                        "value": "nope",
                        "child_fields": [{"id": note.number}],
                    }
                ]
            }
        },
    )
    assert bad.status_code == 422 and "nope" in bad.content.decode()
    assert (
        api_for(acme_agent)
        .put(f"ticket_forms/{number}.json", {"ticket_form": {"name": "x"}})
        .status_code
        == 403
    )
    assert api_for(acme_user).get("ticket_forms.json").status_code == 403
    # Tickets name their form.
    agent = api_for(acme_agent)
    created = agent.post(
        "tickets.json",
        {
            "ticket": {
                "subject": "Down",
                "comment": {"body": "x"},
                "ticket_form_id": number,
                "custom_fields": [
                    {"id": impact.number, "value": "low"},
                    {"id": note.number, "value": "hidden"},
                ],
            }
        },
    )
    assert created.status_code == 201, created.content
    ticket = created.json()["ticket"]
    assert ticket["ticket_form_id"] == number
    values = {v["id"]: v["value"] for v in ticket["custom_fields"]}
    assert values[note.number] is None  # hidden by its condition: cleared
    missing = agent.put(f"tickets/{ticket['id']}.json", {"ticket": {"ticket_form_id": 999}})
    assert missing.status_code == 422
    assert admin.delete(f"ticket_forms/{number}.json").status_code == 204
    default = TicketForm.objects.for_account(acme).get(default=True)
    assert admin.delete(f"ticket_forms/{default.number}.json").status_code == 422


def test_end_user_request_names_an_offered_form(acme, acme_user, api_for):
    default = TicketForm.objects.for_account(acme).get(default=True)
    escalation = TicketForm.objects.for_account(acme).get(name="Escalation")
    client = api_for(acme_user)
    refused = client.post(
        "requests.json",
        {
            "request": {
                "subject": "x",
                "comment": {"body": "x"},
                "ticket_form_id": escalation.number,
            }
        },
    )
    assert refused.status_code == 422
    made = client.post(
        "requests.json",
        {"request": {"subject": "x", "comment": {"body": "x"}, "ticket_form_id": default.number}},
    )
    assert made.status_code == 201 and made.json()["request"]["ticket_form_id"] == default.number
