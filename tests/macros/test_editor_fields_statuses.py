"""The macro editor sets custom fields and a custom status (issue 19); the custom status
is an action of its own (``custom_status_id``), checked when saved, shown by the picker
and apply.json, and applied through the ticket services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from customfields.models import TicketField
from macros.models import Macro
from macros.services import macro_apply, macro_create
from tests.api.conftest import ApiClient, basic_header, token_for
from tests.factories import make_ticket
from tickets.models import CustomStatus
from tickets.services.statuses import custom_status_create


@pytest.fixture
def impact(acme):
    return TicketField.objects.for_account(acme).get(title="Impact")


@pytest.fixture
def waiting_parts(acme, acme_admin):
    return custom_status_create(
        account=acme, actor=acme_admin, category="pending", agent_label="Waiting for parts"
    )


def _macro(acme, admin, actions):
    return macro_create(
        account=acme,
        actor=admin,
        title="Parts",
        description="",
        actions=actions,
        active=True,
        shared=True,
        groups=[],
    )


def test_the_editor_saves_a_custom_field_and_a_custom_status_and_shows_them_again(
    client_for, acme, acme_admin, impact, waiting_parts
):
    client = client_for(acme_admin)
    page = client.get("/agent/macros/new/?shared=1").content.decode()
    assert f'name="field_{impact.number}"' in page and "Waiting for parts" in page
    response = client.post(
        "/agent/macros/new/?shared=1",
        {
            "title": "Parts::Ordered",
            "active": "on",
            "custom_status": str(waiting_parts.number),
            f"field_{impact.number}": "high",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    macro = Macro.objects.for_account(acme).get(title="Parts::Ordered")
    assert {"field": "custom_status_id", "value": waiting_parts.number} in macro.actions
    assert {"field": f"custom_fields_{impact.number}", "value": "high"} in macro.actions
    edit = client.get(f"/agent/macros/{macro.number}/").content.decode()
    assert f'<option value="{waiting_parts.number}" selected>' in edit
    assert '<option value="high" selected>' in edit


def test_the_editor_refuses_a_bad_field_value_with_a_message(client_for, acme, acme_admin):
    field = TicketField.objects.for_account(acme).filter(kind="integer").first()
    if field is None:
        from customfields.services import ticket_field_create

        field = ticket_field_create(account=acme, kind="integer", title="Units")
    response = client_for(acme_admin).post(
        "/agent/macros/new/?shared=1",
        {"title": "Bad", "active": "on", f"field_{field.number}": "many"},
    )
    assert response.status_code == 400
    assert not Macro.objects.for_account(acme).filter(title="Bad").exists()


def test_custom_status_action_is_checked_when_saved(acme, acme_admin, waiting_parts):
    with pytest.raises(ValidationError, match="Unknown status"):
        _macro(acme, acme_admin, [{"field": "custom_status_id", "value": 9999}])
    new = CustomStatus.objects.for_account(acme).get(category="new", is_default=True)
    with pytest.raises(ValidationError, match="Unknown status"):
        _macro(acme, acme_admin, [{"field": "custom_status_id", "value": new.number}])


def test_picker_apply_json_and_apply_set_the_custom_status(
    client_for, acme, acme_admin, acme_agent, waiting_parts
):
    macro = _macro(acme, acme_admin, [{"field": "custom_status_id", "value": waiting_parts.number}])
    ticket = make_ticket(account=acme, submitter=acme_agent)
    preview = client_for(acme_agent).get(
        f"/agent/tickets/{ticket.number}/macros/{macro.number}/apply/"
    )
    data = preview.json()
    assert data["fields"]["status"] == str(waiting_parts.number)
    assert data["submit_status"] == "pending"
    api = ApiClient(acme)
    api.credentials(HTTP_AUTHORIZATION=basic_header(acme_agent.email, token_for(acme_agent)))
    answer = api.get(f"/api/v2/tickets/{ticket.number}/macros/{macro.number}/apply.json")
    body = answer.json()["result"]["ticket"]
    assert body["custom_status_id"] == waiting_parts.number and body["status"] == "pending"
    macro_apply(macro=macro, ticket=ticket, actor=acme_agent)
    ticket.refresh_from_db()
    assert ticket.custom_status_id == waiting_parts.pk and ticket.status == "pending"
