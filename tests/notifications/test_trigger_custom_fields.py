"""Admin-defined ticket fields in triggers (issue 19): conditions per field kind with the
views' meaning (one vocabulary, tickets.field_conditions), "changed"/"changed to", the
action "Set <field>", and the editor offering them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from customfields.services import ticket_field_create
from notifications.models import Trigger
from notifications.services import trigger_create
from tests.factories import AgentFactory, make_ticket
from tests.notifications.conftest import by_recipient
from tickets.services import ticket_update
from tickets.services.saved_views import view_create
from tickets.view_selectors import view_matching

PROBE = "probe@acme.example"


@pytest.fixture
def fields(acme):
    return {
        "model": ticket_field_create(
            account=acme,
            kind="tagger",
            title="Model",
            options=[{"name": "Laser", "value": "laser"}, {"name": "Inkjet", "value": "inkjet"}],
        ),
        "urgent": ticket_field_create(account=acme, kind="checkbox", title="Urgent"),
        "serial": ticket_field_create(account=acme, kind="text", title="Serial"),
        "units": ticket_field_create(account=acme, kind="integer", title="Units"),
        "cost": ticket_field_create(account=acme, kind="decimal", title="Cost"),
        "due": ticket_field_create(account=acme, kind="date", title="Due"),
    }


@pytest.fixture
def probe(acme):
    AgentFactory(account=acme, email=PROBE, name="Probe")

    def add(*conditions, name="Probe"):
        return trigger_create(
            account=acme,
            name=name,
            conditions=[
                dict(zip(("field", "operator", "value"), c, strict=True)) for c in conditions
            ],
            actions=[{"action": "email_address", "value": PROBE, "subject": name, "body": "x"}],
        )

    return add


def _name(field) -> str:
    return f"custom_fields.{field.number}"


def fired(messages) -> list[str]:
    return sorted(m.subject for m in by_recipient(messages, PROBE))


def test_each_kind_condition_holds_as_its_value_says(acme, acme_agent, fields, probe, sent):
    f = fields
    probe((_name(f["model"]), "is", "laser"), name="laser")
    probe((_name(f["model"]), "is_not", "laser"), name="not laser")
    probe((_name(f["urgent"]), "is", "true"), name="checked")
    probe((_name(f["urgent"]), "is", "false"), name="unchecked")
    probe((_name(f["serial"]), "contains", "ab"), name="serial ab")
    probe((_name(f["serial"]), "is_set", ""), name="serial present")
    probe((_name(f["units"]), "greater_than", "9"), name="units > 9")
    probe((_name(f["cost"]), "less_than", "10"), name="cost < 10")
    probe((_name(f["due"]), "before", "2027-01-01"), name="due before")
    ticket = make_ticket(account=acme, submitter=acme_agent)
    values = {
        f["model"].number: "laser",
        f["urgent"].number: True,
        f["serial"].number: "XAB-1",
        f["units"].number: 10,
        f["cost"].number: "9.50",  # a string compared as a number: "9.50" > "10" as text
        f["due"].number: "2026-12-31",
    }
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, custom_fields=values)
    assert fired(messages) == sorted(
        [
            "laser",
            "checked",
            "serial ab",
            "serial present",
            "units > 9",
            "cost < 10",
            "due before",
        ]
    )
    cleared = {f["urgent"].number: False, f["model"].number: "inkjet", f["units"].number: 9}
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, custom_fields=cleared)
    assert "unchecked" in fired(messages) and "not laser" in fired(messages)
    assert not {"checked", "laser", "units > 9"} & set(fired(messages))


def test_changed_and_changed_to_only_on_the_update_that_changes_the_field(
    acme, acme_agent, fields, probe, sent
):
    model = _name(fields["model"])
    probe((model, "changed", ""), name="changed")
    probe((model, "changed_to", "inkjet"), name="to inkjet")
    probe((model, "changed_from", "laser"), name="from laser")
    ticket = make_ticket(account=acme, submitter=acme_agent)
    number = fields["model"].number
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, custom_fields={number: "laser"})
    assert fired(messages) == ["changed"]
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, priority="high")
    assert fired(messages) == []
    messages = sent(
        ticket_update, ticket=ticket, actor=acme_agent, custom_fields={number: "inkjet"}
    )
    assert fired(messages) == ["changed", "from laser", "to inkjet"]


def test_set_field_action_sets_the_value_through_the_ticket_service(acme, acme_agent, fields):
    trigger_create(
        account=acme,
        name="Lasers are urgent",
        conditions=[{"field": _name(fields["model"]), "operator": "is", "value": "laser"}],
        actions=[{"action": _name(fields["urgent"]), "value": "true"}],
    )
    ticket = make_ticket(account=acme, submitter=acme_agent)
    result = ticket_update(
        ticket=ticket, actor=acme_agent, custom_fields={fields["model"].number: "laser"}
    )
    result.ticket.refresh_from_db()
    assert result.ticket.custom_fields[fields["urgent"].key] is True
    assert result.ticket.events.filter(field=_name(fields["urgent"])).exists()


@pytest.mark.parametrize(
    ("conditions", "actions", "words"),
    [
        ([{"field": "custom_fields.9999", "operator": "is", "value": "x"}], [], "no ticket field"),
        ([{"field": "MODEL", "operator": "contains", "value": "x"}], [], "no operator"),
        ([{"field": "MODEL", "operator": "is", "value": "toaster"}], [], "not one of its options"),
        ([{"field": "UNITS", "operator": "less_than", "value": "many"}], [], "Units"),
        ([], [{"action": "MODEL", "value": "toaster"}], "not one of its options"),
        ([], [{"action": "custom_fields.9999", "value": "1"}], "no ticket field"),
    ],
)
def test_bad_custom_field_conditions_and_actions_are_refused_with_a_message(
    acme, fields, conditions, actions, words
):
    def named(rows, key):
        for row in rows:
            row[key] = {"MODEL": _name(fields["model"]), "UNITS": _name(fields["units"])}.get(
                row[key], row[key]
            )
        return rows

    email = {"action": "email_address", "value": PROBE, "subject": "s", "body": "b"}
    with pytest.raises(ValidationError) as exc:
        trigger_create(
            account=acme,
            name="Bad",
            conditions=named(conditions, "field"),
            actions=named(actions, "action") or [email],
        )
    assert words in " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("name", "operator", "value", "miss", "hit"),
    [
        ("cost", "greater_than", "9.5", "9.5", "10"),
        ("serial", "contains", "ab", "XY-1", "xAb-2"),
        ("due", "after", "2026-12-31", "2026-12-31", "2027-01-02"),
        ("units", "less_than", "10", "10", "9"),
    ],
)
def test_view_and_trigger_agree_on_a_condition(
    acme, acme_agent, acme_admin, fields, probe, sent, name, operator, value, miss, hit
):
    """One vocabulary: the same condition selects the same tickets in a view as it fires
    a trigger on."""
    condition = (_name(fields[name]), operator, value)
    probe(condition, name="probe")
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="V",
        conditions={"all": [dict(zip(("field", "operator", "value"), condition, strict=True))]},
    )
    number = fields[name].number
    missed, matched = (make_ticket(account=acme, submitter=acme_agent) for _ in range(2))
    update = {"actor": acme_agent}
    assert fired(sent(ticket_update, ticket=missed, custom_fields={number: miss}, **update)) == []
    assert fired(sent(ticket_update, ticket=matched, custom_fields={number: hit}, **update)) == [
        "probe"
    ]
    assert [t.pk for t in view_matching(view=view, viewer=acme_admin)] == [matched.pk]


def test_trigger_editor_offers_fields_and_set_field_actions(acme, acme_admin, client_for, fields):
    client = client_for(acme_admin)
    page = client.get("/agent/settings/triggers/new/").content.decode()
    assert f'<option value="{_name(fields["model"])}">Model</option>' in page
    assert f'<option value="{_name(fields["urgent"])}">Set Urgent</option>' in page
    response = client.post(
        "/agent/settings/triggers/new/",
        {
            "name": "Urgent lasers",
            "active": "on",
            "cond-0-field": _name(fields["model"]),
            "cond-0-operator": "changed_to",
            "cond-0-value": "laser",
            "act-0-action": _name(fields["urgent"]),
            "act-0-value": "true",
        },
    )
    assert response.status_code == 302
    trigger = Trigger.objects.for_account(acme).get(name="Urgent lasers")
    assert trigger.conditions[0]["value"] == "laser"
    assert trigger.actions == [{"action": _name(fields["urgent"]), "value": True}]
    page = client.get(f"/agent/settings/triggers/{trigger.number}/").content.decode()
    assert 'value="true"' in page
