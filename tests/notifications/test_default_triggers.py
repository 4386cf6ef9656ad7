"""Every default trigger, through the ticket services, with anymail's test backend."""

import pytest

from accounts.services import account_create, group_create
from notifications.models import Delivery, Trigger
from tests.factories import AccountFactory, AgentFactory, EndUserFactory, make_ticket
from tests.notifications.conftest import by_recipient, html_of, to_of
from tickets.models import Ticket
from tickets.services import comment_add, ticket_set_ccs, ticket_update

DEFAULT_NAMES = [
    "Notify requester and CCs of received request",
    "Notify requester of proactive ticket",
    "Notify requester and CCs of comment update",
    "Notify assignee of assignment",
    "Notify assignee of comment update",
    "Notify group of assignment",
    "Notify requester of solved request",
]
# Seed 004: installed too, but off until an admin turns it on.
INACTIVE_NAMES = ["Notify requester of escalation progress"]


def test_account_create_installs_the_default_triggers_in_order(db):
    account, _ = account_create(
        subdomain="initech", name="Initech", admin_email="a@initech.example"
    )
    names = list(Trigger.objects.for_account(account).values_list("name", flat=True))
    assert names == DEFAULT_NAMES + INACTIVE_NAMES
    inactive = Trigger.objects.for_account(account).filter(active=False)
    assert list(inactive.values_list("name", flat=True)) == INACTIVE_NAMES


def test_accounts_made_without_the_service_get_defaults_too(db):
    account = AccountFactory(subdomain="umbrella")
    assert Trigger.objects.for_account(account).filter(active=True).count() == len(DEFAULT_NAMES)


def test_received_request_emails_the_requester_who_opened_it(acme, acme_user, sent):
    messages = sent(make_ticket, account=acme, submitter=acme_user, subject="Broken login")
    assert to_of(messages) == [acme_user.email]
    assert "[Request received] Broken login" in messages[0].subject


def test_received_request_also_goes_to_ccs(acme, acme_user, acme_agent, sent):
    colleague = EndUserFactory(account=acme, email="col@customer.example")
    messages = sent(
        make_ticket,
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        ccs=[colleague],
        body="We are on it",
    )
    # An agent's ticket is the proactive one; its trigger mails requester and CCs too.
    assert to_of(messages) == sorted([acme_user.email, colleague.email])


def test_proactive_ticket_emails_the_requester_with_the_agents_comment(
    acme, acme_agent, acme_user, sent
):
    messages = sent(
        make_ticket,
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject="Your renewal",
        body="Your licence renews next week.",
    )
    [message] = by_recipient(messages, acme_user.email)
    assert message.subject == "Your renewal"
    assert "Your licence renews next week." in message.body
    assert acme_agent.email not in to_of(messages)


def test_comment_update_emails_requester_and_ccs_but_not_the_author(
    acme, acme_agent, acme_user, sent
):
    colleague = EndUserFactory(account=acme, email="col@customer.example")
    ticket = make_ticket(account=acme, submitter=acme_user)
    ticket_set_ccs(ticket=ticket, actor=acme_agent, users=[colleague])
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="Try turning it off.")
    assert to_of(messages) == sorted([acme_user.email, colleague.email])
    assert "Try turning it off." in messages[0].body

    messages = sent(comment_add, ticket=ticket, author=acme_user, body="Did that.")
    assert to_of(messages) == [colleague.email]


def test_assignment_emails_the_assignee_not_the_agent_who_assigned(
    acme, acme_agent, acme_user, sent
):
    other = AgentFactory(account=acme, email="bea@acme.example")
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, assignee=other)
    assert to_of(messages) == [other.email]
    assert messages[0].subject.startswith("[Assigned]")

    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, assignee=acme_agent)
    assert to_of(messages) == []


def test_ticket_created_with_an_assignee_notifies_them(acme, acme_agent, acme_user, sent):
    other = AgentFactory(account=acme, email="bea@acme.example")
    messages = sent(
        make_ticket, account=acme, submitter=acme_agent, requester=acme_user, assignee=other
    )
    assert len(by_recipient(messages, other.email)) == 1


def test_comment_update_notifies_the_assignee(acme, acme_agent, acme_user, sent):
    ticket = make_ticket(account=acme, submitter=acme_user, assignee=None)
    ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent)
    ticket.refresh_from_db()
    messages = sent(comment_add, ticket=ticket, author=acme_user, body="Any news?")
    [message] = by_recipient(messages, acme_agent.email)
    assert message.subject.startswith("[Updated]")


def test_group_assignment_emails_every_agent_of_the_group(acme, acme_agent, acme_user, sent):
    other = AgentFactory(account=acme, email="bea@acme.example")
    outsider = AgentFactory(account=acme, email="zed@acme.example")
    group = group_create(account=acme, name="Billing", agents=[acme_agent, other])
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(ticket_update, ticket=ticket, actor=outsider, group=group)
    assert to_of(messages) == sorted([acme_agent.email, other.email])


def test_solved_request_emails_the_requester(acme, acme_agent, acme_user, sent):
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(ticket_update, ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
    assert to_of(messages) == [acme_user.email]
    assert messages[0].subject.startswith("[Solved]")


def test_disabled_trigger_sends_nothing(acme, acme_user, sent):
    Trigger.objects.for_account(acme).update(active=False)
    assert sent(make_ticket, account=acme, submitter=acme_user) == []


def test_each_email_is_multipart_threaded_and_automatic(acme, acme_user, acme_agent, sent):
    ticket = make_ticket(account=acme, submitter=acme_user)
    first = sent(comment_add, ticket=ticket, author=acme_agent, body="One")[0]
    second = sent(comment_add, ticket=ticket, author=acme_agent, body="Two")[0]
    assert html_of(first)
    for message in (first, second):
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"
        assert message.reply_to[0].startswith(f"reply+{ticket.number}-")
        assert message.reply_to[0].endswith("@acme.localhost")
    assert first.extra_headers["References"] == second.extra_headers["References"]
    assert first.extra_headers["Message-ID"] != second.extra_headers["Message-ID"]
    delivery = Delivery.objects.for_account(acme).get(message_id=first.extra_headers["Message-ID"])
    assert delivery.state == Delivery.State.SENT
    assert delivery.provider_message_id != ""


def test_email_is_in_the_recipients_language(acme, acme_agent, sent):
    italian = EndUserFactory(account=acme, email="it@customer.example", locale="it")
    english = EndUserFactory(account=acme, email="en@customer.example", locale="en")
    ticket = make_ticket(account=acme, submitter=italian)
    ticket_set_ccs(ticket=ticket, actor=acme_agent, users=[english])
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="Ciao")
    [to_italian] = by_recipient(messages, italian.email)
    [to_english] = by_recipient(messages, english.email)
    assert f"Ticket n. {ticket.number}" in to_italian.body
    assert f"Ticket n. {ticket.number}" in html_of(to_italian)
    assert f"Ticket #{ticket.number}" in to_english.body


def test_triggers_never_cross_accounts(acme, globex, acme_user, globex_agent, sent):
    globex_trigger = Trigger.objects.for_account(globex).get(
        name="Notify requester and CCs of received request"
    )
    globex_trigger.actions[0]["subject"] = "GLOBEX {{ticket.title}}"
    globex_trigger.save()
    messages = sent(make_ticket, account=acme, submitter=acme_user)
    assert to_of(messages) == [acme_user.email]
    assert not any("GLOBEX" in m.subject for m in messages)
    assert Delivery.objects.for_account(globex).count() == 0


@pytest.mark.parametrize("actor_kind", ["agent", "end_user"])
def test_field_actions_apply_once_and_do_not_retrigger(
    acme, acme_agent, acme_user, actor_kind, sent
):
    from notifications.services import trigger_create

    trigger_create(
        account=acme,
        name="Tag and solve",
        conditions=[{"field": "comment", "operator": "is", "value": "public"}],
        actions=[
            {"action": "add_tag", "value": "touched"},
            {"action": "set_priority", "value": "high"},
        ],
    )
    ticket = make_ticket(account=acme, submitter=acme_user)
    author = acme_agent if actor_kind == "agent" else acme_user
    sent(comment_add, ticket=ticket, author=author, body="hello")
    ticket.refresh_from_db()
    assert ticket.tag_list == ["touched"]
    assert ticket.priority == "high"
    assert ticket.events.filter(field="tags").count() == 1
