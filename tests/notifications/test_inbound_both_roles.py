"""Someone who is both a user and a technician (seed 002, issue 27; tickets.reply_roles):
an agent's emailed reply is the requester's public comment on their own ticket, and a
CC's public comment where they are copied, unless they are the assignee; an internal note
everywhere else."""

from __future__ import annotations

import pytest

from notifications import addresses
from tests.factories import AgentFactory, make_ticket
from tests.notifications.payloads import WEBHOOK_SECRET, post_postmark, postmark_payload
from tickets.models import Comment, Ticket
from tickets.services import ticket_add_ccs, ticket_update


@pytest.fixture(autouse=True)
def inbound_on(settings, outbox):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_SECRET}


def _reply(ticket, sender, text="Still broken") -> Comment:
    post_postmark(
        postmark_payload(sender=sender.email, to=addresses.reply_address(ticket), text=text)
    )
    return Comment.objects.for_account(ticket.account).filter(ticket=ticket).order_by("id").last()


def test_an_agents_emailed_reply_on_their_own_request_is_a_public_comment(acme, acme_agent):
    it_staff = AgentFactory(account=acme)
    ticket = make_ticket(account=acme, submitter=it_staff, requester=it_staff)
    comment = _reply(ticket, it_staff)
    assert (comment.author, comment.public) == (it_staff, True)
    # Filed on the requester's side: the technicians have an Unread ticket.
    status = Ticket.objects.for_account(acme).get(pk=ticket.pk).activity_status
    assert status == Ticket.ActivityStatus.UNREAD


def test_the_requester_who_is_also_the_assignee_writes_internal_notes(acme):
    it_staff = AgentFactory(account=acme)
    ticket = make_ticket(account=acme, submitter=it_staff, requester=it_staff)
    ticket_update(ticket=ticket, actor=it_staff, assignee=it_staff)
    assert _reply(ticket, it_staff).public is False


def test_an_agent_copied_on_a_ticket_replies_publicly_as_a_cc(acme, acme_agent, acme_user):
    colleague = AgentFactory(account=acme)
    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[colleague])
    assert _reply(ticket, colleague).public is True


def test_any_other_agents_emailed_reply_stays_an_internal_note(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    assert _reply(ticket, acme_agent).public is False
