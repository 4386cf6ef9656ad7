"""Forwarding a ticket by email from the ticket page: recipients by address, agent or
role; conversation and history optional; internal notes only for an all-agent audience;
a private ticket goes to agents only."""

import pytest
from django.urls import reverse

from notifications.models import Delivery
from tests.factories import AdminFactory, AgentFactory, make_ticket
from tests.notifications.conftest import html_of, to_of
from tickets.services import comment_add, ticket_update

NOTE = "Internal: refund approved by finance"


def forward_url(ticket):
    return reverse(
        "notifications:ticket_forward", args=[ticket.number], urlconf="helpdesk.urls_tenant"
    )


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_user, body="My invoice is wrong")
    comment_add(ticket=ticket, author=acme_agent, body=NOTE, public=False)
    comment_add(ticket=ticket, author=acme_agent, body="We are looking into it.")
    ticket_update(ticket=ticket, actor=acme_agent, priority="high")
    return ticket


def post(client, ticket, **data):
    payload = {"subject": "Fwd: invoice", "message": "Please have a look.", **data}
    return client.post(forward_url(ticket), payload)


def test_forward_to_an_outside_address_leaves_internal_notes_out(
    ticket, acme_agent, client_for, sent
):
    client = client_for(acme_agent)
    messages = sent(
        post, client, ticket, emails="accountant@partner.example", include_conversation="on"
    )
    assert sent.result.status_code == 302
    [message] = messages
    assert message.to == ["accountant@partner.example"]
    assert message.subject == "Fwd: invoice"
    assert message.reply_to == [acme_agent.email]
    for text in (message.body, html_of(message)):
        assert "Please have a look." in text
        assert "My invoice is wrong" in text and "We are looking into it." in text
        assert NOTE not in text
    forwarded = Delivery.objects.for_account(ticket.account).filter(kind=Delivery.Kind.FORWARD)
    assert [d.to_email for d in forwarded] == ["accountant@partner.example"]


def test_forward_to_agents_only_includes_internal_notes(ticket, acme, acme_agent, client_for, sent):
    bea = AgentFactory(account=acme, email="bea@acme.example")
    messages = sent(
        post, client_for(acme_agent), ticket, agents=[bea.pk], include_conversation="on"
    )
    [message] = messages
    assert NOTE in message.body


def test_a_mixed_audience_gets_no_internal_notes(ticket, acme, acme_agent, client_for, sent):
    bea = AgentFactory(account=acme, email="bea@acme.example")
    messages = sent(
        post,
        client_for(acme_agent),
        ticket,
        agents=[bea.pk],
        emails="accountant@partner.example",
        include_conversation="on",
    )
    assert to_of(messages) == sorted([bea.email, "accountant@partner.example"])
    assert not any(NOTE in m.body for m in messages)


def test_forward_to_a_role_reaches_everyone_with_it(ticket, acme, acme_agent, client_for, sent):
    boss = AdminFactory(account=acme, email="boss@acme.example")
    messages = sent(post, client_for(acme_agent), ticket, role="admin")
    assert to_of(messages) == [boss.email]


def test_history_is_included_on_request_and_conversation_can_be_left_out(
    ticket, acme_agent, client_for, sent
):
    messages = sent(post, client_for(acme_agent), ticket, emails="a@partner.example")
    assert "We are looking into it." not in messages[0].body
    messages = sent(
        post, client_for(acme_agent), ticket, emails="a@partner.example", include_history="on"
    )
    assert "Activity" in messages[0].body and "priority" in messages[0].body


def test_a_private_ticket_is_forwarded_to_agents_only(acme, acme_agent, acme_user, client_for):
    acme.private_tickets_enabled = True
    acme.save()
    private = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, public=False)
    response = post(client_for(acme_agent), private, emails="a@partner.example")
    assert response.status_code == 400
    assert "forwarded to agents only" in response.content.decode()
    assert Delivery.objects.for_account(acme).filter(kind=Delivery.Kind.FORWARD).count() == 0


def test_bad_input_is_a_400_with_a_message(ticket, acme_agent, client_for):
    client = client_for(acme_agent)
    response = post(client, ticket)
    assert response.status_code == 400
    assert "Choose at least one recipient." in response.content.decode()
    response = post(client, ticket, emails="not an address")
    assert response.status_code == 400
    response = post(client, ticket, emails="a@partner.example", subject="")
    assert response.status_code == 400


def test_forward_page_is_for_agents_of_the_account(ticket, acme_user, globex_agent, client_for):
    assert client_for(acme_user).get(forward_url(ticket)).status_code == 404
    assert client_for(globex_agent).get(forward_url(ticket)).status_code in (302, 404)


def test_forward_page_shows_the_form(ticket, acme_agent, client_for):
    response = client_for(acme_agent).get(forward_url(ticket))
    assert response.status_code == 200
    assert "Fwd: Printer on fire" in response.content.decode()
