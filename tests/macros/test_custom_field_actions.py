"""Macros set custom fields (issue 19): Zendesk's ``custom_fields_<id>`` action, checked
when saved, applied through the ticket services (the Activity records it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from customfields.models import TicketField
from macros.services import macro_apply, macro_create
from tests.api.conftest import ApiClient, basic_header, token_for
from tests.factories import make_ticket


@pytest.fixture
def impact(acme):
    return TicketField.objects.for_account(acme).get(title="Impact")


def _macro(acme, admin, actions):
    return macro_create(
        account=acme,
        actor=admin,
        title="Escalate",
        description="",
        actions=actions,
        active=True,
        shared=True,
        groups=[],
    )


def test_a_macro_action_names_a_field_and_a_value_its_kind_accepts(acme, acme_admin, impact):
    with pytest.raises(ValidationError, match="not one of its options"):
        _macro(acme, acme_admin, [{"field": f"custom_fields_{impact.number}", "value": "huge"}])
    with pytest.raises(ValidationError, match="Unknown action"):
        _macro(acme, acme_admin, [{"field": "custom_fields_9999", "value": "x"}])
    macro = _macro(acme, acme_admin, [{"field": f"custom_fields_{impact.number}", "value": "high"}])
    assert macro.actions == [{"field": f"custom_fields_{impact.number}", "value": "high"}]


def test_apply_json_and_the_bulk_macro_set_the_field(
    acme,
    acme_admin,
    acme_agent,
    impact,
    client_for,
):
    macro = _macro(acme, acme_admin, [{"field": f"custom_fields_{impact.number}", "value": "high"}])
    ticket = make_ticket(account=acme, submitter=acme_agent)
    api = ApiClient(acme)
    api.credentials(HTTP_AUTHORIZATION=basic_header(acme_agent.email, token_for(acme_agent)))
    answer = api.get(f"/api/v2/tickets/{ticket.number}/macros/{macro.number}/apply.json")
    assert answer.json()["result"]["ticket"]["custom_fields"] == [
        {"id": impact.number, "value": "high"}
    ]
    preview = client_for(acme_agent).get(
        f"/agent/tickets/{ticket.number}/macros/{macro.number}/apply/"
    )
    assert preview.json()["fields"][f"cf-{impact.number}"] == "high"
    macro_apply(macro=macro, ticket=ticket, actor=acme_agent)
    ticket.refresh_from_db()
    assert ticket.custom_fields == {impact.key: "high"}
    activity = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/?tab=activity")
    assert "Impact" in activity.content.decode() and "High" in activity.content.decode()


def test_placeholders_name_field_values_and_hide_agent_only_ones_from_end_users(
    acme, acme_admin, acme_agent, impact
):
    from customfields.services import ticket_field_create
    from macros.apply import macro_result
    from tickets.services import ticket_update

    contract = ticket_field_create(
        account=acme, kind="text", title="Contract", visible_in_portal=True
    )
    ticket = make_ticket(account=acme, submitter=acme_agent)
    ticket_update(
        ticket=ticket,
        actor=acme_agent,
        custom_fields={impact.number: "critical", contract.number: "C-42"},
    )
    template = (
        f"Impact {{{{ticket.ticket_field_option_title_{impact.number}}}}}, "
        f"contract {{{{ticket.ticket_field_{contract.number}}}}}"
    )
    for public, expected in (
        (False, "Impact Critical, contract C-42"),
        (True, "Impact , contract C-42"),
    ):
        macro = _macro(
            acme,
            acme_admin,
            [
                {"field": "comment_value", "value": template},
                {"field": "comment_mode_is_public", "value": public},
            ],
        )
        ticket.refresh_from_db()
        assert macro_result(macro=macro, ticket=ticket, actor=acme_agent).body == expected
