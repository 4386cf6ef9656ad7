"""ticket_reply, the one service behind a reply with its CCs, status and attachments
(agent workspace, help center, API, inbound email): its order and its refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Delivery
from tests.factories import EndUserFactory, make_ticket
from tickets.models import Channel, Comment, Ticket, TicketCC
from tickets.services import NotAllowed, ticket_reply


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_agent, requester=acme_user)


def test_ccs_added_with_a_reply_receive_that_reply(acme, ticket, acme_agent):
    carl = EndUserFactory(account=acme, email="carl@partner.example", name="Carl")
    reply = ticket_reply(ticket=ticket, author=acme_agent, body="Fixed.", ccs=[carl])
    assert reply.comment.public and reply.comment.body == "Fixed."
    # CCs come before the comment: the reply's notification already counts Carl in.
    to = set(
        Delivery.objects.for_account(acme)
        .filter(ticket=ticket, created_at__gte=reply.comment.created_at)
        .values_list("to_email", flat=True)
    )
    assert "carl@partner.example" in to


def test_status_and_attachments_come_with_the_comment(acme, ticket, acme_agent):
    reply = ticket_reply(
        ticket=ticket,
        author=acme_agent,
        body="See the log.",
        status=Ticket.Status.PENDING,
        uploads=[SimpleUploadedFile("log.txt", b"printer log")],
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING
    assert [a.filename for a in reply.comment.attachments.all()] == ["log.txt"]


def test_a_refused_reply_leaves_no_cc_behind(acme, ticket, acme_agent):
    ticket_reply(ticket=ticket, author=acme_agent, body="Done.", status=Ticket.Status.CLOSED)
    carl = EndUserFactory(account=acme, email="carl@partner.example")
    with pytest.raises(NotAllowed):
        ticket_reply(ticket=ticket, author=acme_agent, body="One more.", ccs=[carl])
    assert not TicketCC.objects.for_account(acme).filter(ticket=ticket, user=carl).exists()


def test_an_end_user_not_involved_may_not_reply(acme, ticket):
    stranger = EndUserFactory(account=acme, email="sam@elsewhere.example")
    with pytest.raises(NotAllowed):
        ticket_reply(ticket=ticket, author=stranger, body="Hi", channel=Channel.EMAIL)
    assert not Comment.objects.for_account(acme).filter(body="Hi").exists()


def test_an_agent_may_write_as_another_user_but_an_end_user_may_not(acme, ticket, acme_agent):
    colleague = EndUserFactory(account=acme, email="col@customer.example")
    reply = ticket_reply(
        ticket=ticket, author=colleague, actor=acme_agent, body="As told by phone."
    )
    assert reply.comment.author == colleague
    with pytest.raises(NotAllowed):
        ticket_reply(ticket=ticket, author=acme_agent, actor=colleague, body="Forged.")


def test_only_agents_replace_the_cc_list(acme, ticket, acme_user):
    carl = EndUserFactory(account=acme, email="carl@partner.example")
    with pytest.raises(NotAllowed):
        ticket_reply(ticket=ticket, author=acme_user, body="Hi", ccs=[carl], ccs_replace=True)


def test_another_accounts_agent_may_not_reply(ticket, globex_agent):
    with pytest.raises(NotAllowed):
        ticket_reply(ticket=ticket, author=globex_agent, body="Hello from globex")
