"""User and organization fields in rules and emails (issue 19): views and triggers test
the requester's and the ticket organization's field values with the ticket fields'
vocabulary; agents' emails carry them as Zendesk's placeholders, end users' never."""

from __future__ import annotations

import pytest

from customfields.models import OrganizationField, UserField
from customfields.people import people_values_set
from customfields.services import field_create
from notifications.services import trigger_create
from tests.factories import EndUserFactory, OrganizationFactory, make_ticket
from tests.notifications.conftest import by_recipient
from tickets.services import comment_add
from tickets.services.saved_views import view_create
from tickets.view_selectors import view_matching

PROBE = "probe@acme.example"


@pytest.fixture
def plan(acme):
    return field_create(
        model=UserField,
        account=acme,
        kind="tagger",
        title="Plan",
        options=[{"name": "Basic", "value": "basic"}, {"name": "Pro", "value": "pro"}],
    )


@pytest.fixture
def tier(acme):
    return field_create(model=OrganizationField, account=acme, kind="integer", title="Tier")


@pytest.fixture
def customers(acme, acme_agent, plan, tier):
    """A pro requester in a tier-3 organization, and a basic one without organization."""
    org = OrganizationFactory(account=acme)
    people_values_set(row=org, actor=acme_agent, raw={tier.number: 3})
    pro = EndUserFactory(account=acme, organization=org)
    people_values_set(row=pro, actor=acme_agent, raw={plan.number: "pro"})
    basic = EndUserFactory(account=acme)
    people_values_set(row=basic, actor=acme_agent, raw={plan.number: "basic"})
    return pro, basic


@pytest.mark.parametrize(
    ("field", "operator", "value"),
    [
        ("requester.custom_fields.{plan}", "is", "pro"),
        ("organization.custom_fields.{tier}", "greater_than", "2"),
        ("organization.custom_fields.{tier}", "is_set", None),
    ],
)
def test_view_filters_on_the_requesters_and_organizations_fields(
    acme, acme_admin, plan, tier, customers, field, operator, value
):
    pro, basic = customers
    wanted = make_ticket(account=acme, submitter=pro)
    make_ticket(account=acme, submitter=basic)
    name = field.format(plan=plan.number, tier=tier.number)
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Pro",
        conditions={"all": [{"field": name, "operator": operator, "value": value}]},
    )
    assert [t.pk for t in view_matching(view=view, viewer=acme_admin)] == [wanted.pk]


def test_people_fields_take_no_change_operators(acme, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        trigger_create(
            account=acme,
            name="Bad",
            conditions=[{"field": f"requester.custom_fields.{plan.number}", "operator": "changed"}],
            actions=[{"action": "add_tag", "value": "x"}],
        )
    assert "no operator" in " ".join(exc.value.messages)


def test_trigger_on_requester_field_and_placeholders_for_agents_only(
    acme, acme_agent, plan, tier, customers, sent
):
    pro, basic = customers
    body = (
        "plan={{ticket.requester.custom_fields.%s}} tier={{ticket.organization.custom_fields.%s}}"
    )
    body %= (plan.number, tier.number)
    trigger_create(
        account=acme,
        name="Pro customers",
        conditions=[
            {"field": "update_type", "operator": "is", "value": "created"},
            {"field": f"requester.custom_fields.{plan.number}", "operator": "is", "value": "pro"},
        ],
        actions=[
            {"action": "email_address", "value": PROBE, "subject": "pro", "body": body},
            {"action": "email_requester", "value": "", "subject": "pro", "body": body},
        ],
    )
    from tests.factories import AgentFactory

    AgentFactory(account=acme, email=PROBE)
    messages = sent(make_ticket, account=acme, submitter=pro)
    messages = [m for m in messages if m.subject == "pro"]
    (to_agent,) = by_recipient(messages, PROBE)
    assert "plan=Pro tier=3" in to_agent.body
    (to_requester,) = by_recipient(messages, pro.email)
    assert "plan= tier=" in to_requester.body
    messages = sent(make_ticket, account=acme, submitter=basic)
    assert [m for m in messages if m.subject == "pro"] == []
    ticket = sent.result
    later = sent(comment_add, ticket=ticket, author=acme_agent, body="x")
    assert [m for m in later if m.subject == "pro"] == []
