"""Each condition and action of the trigger vocabulary, through the ticket services; the
order of evaluation; a field action re-evaluates later and earlier triggers once."""

import pytest

from accounts.services import group_create
from notifications.models import Trigger
from notifications.services import trigger_create, trigger_update
from tests.factories import AgentFactory, make_ticket
from tests.notifications.conftest import by_recipient
from tickets.models import Ticket
from tickets.services import comment_add, ticket_update

PROBE = "probe@acme.example"


@pytest.fixture
def probe(acme):
    """An agent whose inbox tells whether a trigger fired (agents pass every gate)."""
    AgentFactory(account=acme, email=PROBE, name="Probe")

    def add(*conditions, name="Probe"):
        return trigger_create(
            account=acme,
            name=name,
            conditions=[
                dict(zip(("field", "operator", "value"), c, strict=False)) for c in conditions
            ],
            actions=[
                {
                    "action": "email_address",
                    "value": PROBE,
                    "subject": name,
                    "body": "{{ticket.id}}",
                }
            ],
        )

    return add


def test_ticket_created_versus_updated(acme, acme_user, acme_agent, probe, sent):
    probe(("update_type", "is", "created"), name="created")
    probe(("update_type", "is", "updated"), name="updated")
    messages = sent(make_ticket, account=acme, submitter=acme_user)
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["created"]
    messages = sent(comment_add, ticket=sent.result, author=acme_agent, body="x")
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["updated"]


def test_comment_is_public_or_internal(acme, acme_user, acme_agent, probe, sent):
    probe(("comment", "is", "public"), name="public")
    probe(("comment", "is", "internal"), name="internal")
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="x", public=False)
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["internal"]
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="y")
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["public"]


def test_status_is_and_changed_to_and_from(acme, acme_user, acme_agent, probe, sent):
    probe(("status", "changed_to", "pending"), name="to pending")
    probe(("status", "changed_from", "pending"), name="from pending")
    probe(("status", "is", "open"), ("comment", "is", "absent"), name="is open")
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, status="pending")
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["to pending"]
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, status="open")
    assert sorted(m.subject for m in by_recipient(messages, PROBE)) == [
        "from pending",
        "is open",
    ]
    # "Status is" holds on any update while open; "changed" ones do not.
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, priority="low")
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["is open"]


def test_ticket_visibility_and_channel(acme, acme_user, acme_agent, probe, sent):
    acme.private_tickets_enabled = True
    acme.save()
    probe(("visibility", "is", "private"), name="private")
    probe(("channel", "is", "email"), name="email")
    messages = sent(
        make_ticket, account=acme, submitter=acme_agent, requester=acme_user, public=False
    )
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["private"]
    messages = sent(make_ticket, account=acme, submitter=acme_user, channel="email")
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["email"]


def test_submitter_and_current_user_roles(acme, acme_user, acme_agent, probe, sent):
    probe(("submitter", "is", "agent"), ("update_type", "is", "created"), name="by agent")
    probe(("current_user", "is", "requester"), name="requester acts")
    probe(("current_user", "is", "not_requester"), ("comment", "is", "present"), name="other")
    messages = sent(make_ticket, account=acme, submitter=acme_agent, requester=acme_user)
    assert sorted(m.subject for m in by_recipient(messages, PROBE)) == ["by agent", "other"]
    messages = sent(comment_add, ticket=sent.result, author=acme_user, body="hi")
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["requester acts"]


def test_assignee_and_group_changed_priority_and_tags(acme, acme_user, acme_agent, probe, sent):
    probe(("assignee", "changed"), ("update_type", "is", "updated"), name="assignee")
    probe(("group", "changed"), ("update_type", "is", "updated"), name="group")
    probe(("priority", "is", "urgent"), name="urgent")
    probe(("tags", "includes", "vip"), ("update_type", "is", "updated"), name="vip")
    group = group_create(account=acme, name="Billing", agents=[acme_agent])
    ticket = make_ticket(account=acme, submitter=acme_user)
    subjects = lambda messages: sorted(m.subject for m in by_recipient(messages, PROBE))  # noqa: E731
    assert subjects(sent(ticket_update, ticket=ticket, actor=acme_agent, group=group)) == ["group"]
    assert subjects(sent(ticket_update, ticket=ticket, actor=acme_agent, assignee=acme_agent)) == [
        "assignee"
    ]
    assert subjects(sent(ticket_update, ticket=ticket, actor=acme_agent, priority="urgent")) == [
        "urgent"
    ]
    assert subjects(sent(ticket_update, ticket=ticket, actor=acme_agent, tags=["vip"])) == [
        "urgent",
        "vip",
    ]


def test_email_a_specific_user_by_number(acme, acme_user, sent):
    bea = AgentFactory(account=acme, email="bea@acme.example")
    trigger_create(
        account=acme,
        name="Bea hears of everything new",
        conditions=[{"field": "update_type", "operator": "is", "value": "created"}],
        actions=[{"action": "email_user", "value": str(bea.number), "subject": "New", "body": "x"}],
    )
    messages = sent(make_ticket, account=acme, submitter=acme_user)
    assert len(by_recipient(messages, bea.email)) == 1


def test_field_actions_set_status_group_and_assignee(acme, acme_user, acme_agent, sent):
    group = group_create(account=acme, name="Billing", agents=[acme_agent])
    trigger_create(
        account=acme,
        name="Route billing",
        conditions=[
            {"field": "update_type", "operator": "is", "value": "created"},
        ],
        actions=[
            {"action": "set_group", "value": str(group.number)},
            {"action": "set_assignee", "value": str(acme_agent.number)},
            {"action": "set_status", "value": "pending"},
        ],
    )
    messages = sent(make_ticket, account=acme, submitter=acme_user)
    ticket = Ticket.objects.for_account(acme).get(pk=sent.result.pk)
    assert (ticket.group, ticket.assignee, ticket.status) == (group, acme_agent, "pending")
    # The default "Notify assignee of assignment" (earlier in the order) saw the
    # assignment the later trigger made: the pass restarted after the field change.
    [assigned] = by_recipient(messages, acme_agent.email)
    assert assigned.subject.startswith("[Assigned]")
    # The history says the system did it.
    events = ticket.events.filter(field="assignee")
    assert [e.actor for e in events] == [None]


def test_triggers_fire_at_most_once_per_change_set(acme, acme_user, acme_agent, probe, sent):
    probe(("comment", "is", "public"), name="once")
    trigger_create(
        account=acme,
        name="Bump priority",
        conditions=[{"field": "comment", "operator": "is", "value": "public"}],
        actions=[{"action": "set_priority", "value": "high"}],
    )
    trigger_create(
        account=acme,
        name="Then tag",
        conditions=[{"field": "priority", "operator": "is", "value": "high"}],
        actions=[{"action": "add_tag", "value": "hot"}],
    )
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="x")
    assert [m.subject for m in by_recipient(messages, PROBE)] == ["once"]
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.tag_list) == ("high", ["hot"])


def test_triggers_run_in_position_order(acme, acme_user, acme_agent, sent):
    for name, tag in (("First", "a"), ("Second", "b")):
        trigger_create(
            account=acme,
            name=name,
            conditions=[{"field": "comment", "operator": "is", "value": "public"}],
            actions=[{"action": "set_status", "value": "open" if tag == "a" else "pending"}],
        )
    ticket = make_ticket(account=acme, submitter=acme_user)
    sent(comment_add, ticket=ticket, author=acme_agent, body="x")
    ticket.refresh_from_db()
    assert ticket.status == "pending"  # the later trigger had the last word
    first = Trigger.objects.for_account(acme).get(name="First")
    second = Trigger.objects.for_account(acme).get(name="Second")
    first.position, second.position = second.position, first.position
    first.save()
    second.save()
    sent(comment_add, ticket=ticket, author=acme_agent, body="y")
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_name_and_description_are_cleaned_alike_on_create_and_update(acme, probe):
    trigger = probe(("status", "is", "open"), name="  Tell \n the   probe ")
    assert trigger.name == "Tell the probe"
    actions, conditions = trigger.actions, trigger.conditions
    trigger = trigger_update(
        trigger=trigger,
        name="  Tell\tthe probe  again ",
        description="  Why it fires.  ",
        conditions=conditions,
        actions=actions,
    )
    trigger.refresh_from_db()
    assert (trigger.name, trigger.description) == ("Tell the probe again", "Why it fires.")
