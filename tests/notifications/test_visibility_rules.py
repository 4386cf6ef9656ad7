"""The seeds' rules hold whatever the triggers say: no end user is emailed about a private
ticket or an internal note; the held-back notification goes out when a private ticket
becomes public; @mentioned agents are notified; an end user's email only ever carries
public comments; admin-written templates cannot reach Python objects."""

import pytest

from notifications.models import Delivery
from notifications.services import trigger_create
from tests.factories import AgentFactory, EndUserFactory, make_ticket
from tests.notifications.conftest import by_recipient, html_of, to_of
from tickets.services import comment_add, ticket_set_ccs, ticket_update

SECRET = "The customer's card was declined twice"


@pytest.fixture
def private_acme(acme):
    acme.private_tickets_enabled = True
    acme.save()
    return acme


@pytest.fixture
def email_everyone_on_every_update(acme):
    """An admin's trigger that would email the requester about anything at all."""
    return trigger_create(
        account=acme,
        name="Tell the requester everything",
        conditions=[],
        actions=[
            {
                "action": "email_requester_and_ccs",
                "subject": "Update on {{ticket.title}}",
                "body": "Latest: {{ticket.latest_comment}}\n\nAll: {{ticket.public_comments}}",
            },
            {
                "action": "email_address",
                "value": "outsider@partner.example",
                "subject": "FYI {{ticket.title}}",
                "body": "{{ticket.latest_comment}}",
            },
        ],
    )


def test_internal_note_is_never_emailed_to_requester_or_ccs(
    acme, acme_agent, acme_user, email_everyone_on_every_update, sent
):
    colleague = EndUserFactory(account=acme, email="col@customer.example")
    ticket = make_ticket(account=acme, submitter=acme_user)
    ticket_set_ccs(ticket=ticket, actor=acme_agent, users=[colleague])
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body=SECRET, public=False)
    assert acme_user.email not in to_of(messages)
    assert colleague.email not in to_of(messages)
    assert "outsider@partner.example" not in to_of(messages)
    assert not any(SECRET in m.body for m in messages if m.to[0] != acme_agent.email)


def test_private_ticket_notifies_no_end_user_but_agents_still_hear(
    private_acme, acme_agent, acme_user, email_everyone_on_every_update, sent
):
    other = AgentFactory(account=private_acme, email="bea@acme.example")
    messages = sent(
        make_ticket,
        account=private_acme,
        submitter=acme_agent,
        requester=acme_user,
        assignee=other,
        public=False,
        body=SECRET,
    )
    ticket = sent.result
    assert ticket.is_private
    assert to_of(messages) == [other.email]
    # Any later change while private: still nothing for the requester.
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, priority="high")
    assert acme_user.email not in to_of(messages)
    assert "outsider@partner.example" not in to_of(messages)


def test_held_back_notification_goes_out_once_when_the_ticket_becomes_public(
    private_acme, acme_agent, acme_user, sent
):
    ticket = make_ticket(
        account=private_acme, submitter=acme_agent, requester=acme_user, public=False, body=SECRET
    )
    assert Delivery.objects.for_account(private_acme).filter(to_email=acme_user.email).count() == 0
    messages = sent(
        comment_add, ticket=ticket, author=acme_agent, body="We have fixed your account."
    )
    [message] = by_recipient(messages, acme_user.email)
    # The proactive-ticket notification, now that the requester can see the ticket.
    assert message.subject == ticket.subject
    assert "We have fixed your account." in message.body
    assert SECRET not in message.body and SECRET not in html_of(message)
    # And only once: the next public reply is an ordinary comment update.
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="Anything else?")
    [message] = by_recipient(messages, acme_user.email)
    assert message.subject.startswith(f"[Ticket #{ticket.number}]")


def test_end_users_email_carries_only_public_comments(acme, acme_agent, acme_user, sent):
    ticket = make_ticket(account=acme, submitter=acme_user, body="My printer is on fire")
    ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent)
    comment_add(ticket=ticket, author=acme_agent, body=SECRET, public=False)
    other = AgentFactory(account=acme, email="bea@acme.example")
    ticket.refresh_from_db()
    messages = sent(comment_add, ticket=ticket, author=other, body="Please unplug it.")
    [to_user] = by_recipient(messages, acme_user.email)
    for text in (to_user.body, html_of(to_user)):
        assert "Please unplug it." in text
        assert "My printer is on fire" in text
        assert SECRET not in text
    # The assignee (an agent) sees the whole conversation, note included.
    [to_agent] = by_recipient(messages, acme_agent.email)
    assert SECRET in to_agent.body


def test_mentioned_agent_in_an_internal_note_is_notified(acme, acme_agent, acme_user, sent):
    bea = AgentFactory(account=acme, email="bea@acme.example", name="Bea Smith")
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(
        comment_add, ticket=ticket, author=acme_agent, body="@bea can you check?", public=False
    )
    [message] = by_recipient(messages, bea.email)
    assert message.subject.startswith("[Mentioned]")
    assert "can you check?" in message.body
    assert acme_user.email not in to_of(messages)
    delivery = Delivery.objects.for_account(acme).get(to_email=bea.email)
    assert delivery.kind == Delivery.Kind.MENTION


def test_mentions_notify_agents_only_and_never_the_author(acme, acme_agent, acme_user, sent):
    EndUserFactory(account=acme, email="eve@customer.example", name="Eve Customer")
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(
        comment_add, ticket=ticket, author=acme_agent, body="@eve @alan see this", public=False
    )
    assert to_of(messages) == []


def test_mention_on_a_private_ticket_still_reaches_the_agent(
    private_acme, acme_agent, acme_user, sent
):
    bea = AgentFactory(account=private_acme, email="bea@acme.example", name="Bea")
    ticket = make_ticket(
        account=private_acme, submitter=acme_agent, requester=acme_user, public=False
    )
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="@bea look", public=False)
    assert to_of(messages) == [bea.email]


def test_placeholders_cannot_reach_python_objects(acme, acme_user, sent):
    trigger_create(
        account=acme,
        name="Probe",
        conditions=[{"field": "update_type", "operator": "is", "value": "created"}],
        actions=[
            {
                "action": "email_address",
                "value": "probe@partner.example",
                "subject": "{{ticket.requester.password}}|{{ticket.__class__}}|{{ticket.id}}",
                "body": "{% load log %}{{ticket.requester.account.subdomain}}"
                "{{ settings.SECRET_KEY }}{{ticket.title|safe}}",
            }
        ],
    )
    messages = sent(make_ticket, account=acme, submitter=acme_user, subject="<b>Hi</b>")
    [probe] = by_recipient(messages, "probe@partner.example")
    assert probe.subject == f"||{sent.result.number}"
    assert "pbkdf2" not in probe.body and "md5" not in probe.body
    assert "{% load log %}" in probe.body
    assert "acme" not in probe.body.split("{% load log %}")[1].split("\n")[0]
    # The title is escaped in HTML: admin text is data, never markup.
    assert "<b>Hi</b>" not in html_of(probe)


# An internal note in the same submit as a public change -----------------------------


def test_note_and_solved_in_one_submit_still_tells_the_requester_it_is_solved(
    acme, acme_agent, acme_user, sent
):
    colleague = EndUserFactory(account=acme, email="col@customer.example")
    ticket = make_ticket(account=acme, submitter=acme_user, body="My printer is on fire")
    ticket_set_ccs(ticket=ticket, actor=acme_agent, users=[colleague])
    messages = sent(
        comment_add,
        ticket=ticket,
        author=acme_agent,
        body=SECRET,
        public=False,
        status="solved",
    )
    [solved] = by_recipient(messages, acme_user.email)
    assert solved.subject.startswith("[Solved]")
    for text in (solved.subject, solved.body, html_of(solved)):
        assert SECRET not in text
    assert "My printer is on fire" in solved.body  # the public conversation is there
    # The CC-and-comment trigger fires on public comments only: nothing for the CC.
    assert colleague.email not in to_of(messages)


def test_a_catch_all_trigger_tells_the_requester_of_the_status_but_never_the_note(
    acme, acme_agent, acme_user, email_everyone_on_every_update, sent
):
    ticket = make_ticket(account=acme, submitter=acme_user, body="My printer is on fire")
    messages = sent(
        comment_add, ticket=ticket, author=acme_agent, body=SECRET, public=False, status="open"
    )
    [update] = [m for m in by_recipient(messages, acme_user.email) if "Update on" in m.subject]
    assert "outsider@partner.example" in to_of(messages)
    for message in [m for m in messages if m.to[0] != acme_agent.email]:
        for text in (message.subject, message.body, html_of(message)):
            assert SECRET not in text
    assert "My printer is on fire" in update.body


def test_a_trigger_that_needs_the_note_does_not_fire_for_end_users(
    acme, acme_agent, acme_user, sent
):
    trigger_create(
        account=acme,
        name="Tell the requester about notes",
        conditions=[{"field": "comment", "operator": "is", "value": "internal"}],
        actions=[
            {"action": "email_requester", "subject": "Note", "body": "{{ticket.latest_comment}}"},
            {"action": "email_assignee", "subject": "Note", "body": "{{ticket.latest_comment}}"},
        ],
    )
    assignee = AgentFactory(account=acme, email="bea@acme.example")
    ticket = make_ticket(account=acme, submitter=acme_user)
    ticket_update(ticket=ticket, actor=acme_agent, assignee=assignee)
    messages = sent(
        comment_add, ticket=ticket, author=acme_agent, body=SECRET, public=False, status="solved"
    )
    notes = [m for m in messages if m.subject == "Note"]
    assert [m.to for m in notes] == [[assignee.email]]
    assert SECRET in notes[0].body
    assert acme_user.email not in to_of(notes)
