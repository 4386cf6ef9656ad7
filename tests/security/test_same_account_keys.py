"""Same-account foreign keys: foreign-key checks ignore row-level security, so the
database itself refuses a row of one account that points at a row of another."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from accounts import integrity
from tests.factories import make_ticket
from tickets.models import Attachment, Comment, Ticket

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the constraints are PostgreSQL's"
)


def checked_now():
    # The constraints are deferred to COMMIT, like Django's; a test never commits.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_every_key_between_account_owned_tables_is_covered(db):
    keys = {(k.table, k.column) for k in integrity.same_account_keys()}
    # Found from the models, whichever app they live in.
    assert {
        ("tickets_ticket", "requester_id"),
        ("tickets_ticket", "organization_id"),
        ("tickets_ticket", "group_id"),
        ("tickets_comment", "ticket_id"),
        ("tickets_attachment", "comment_id"),
        ("tickets_ticketcc", "user_id"),
        ("notifications_delivery", "recipient_id"),
        ("api_apitoken", "user_id"),
    } <= keys
    # migrate created every one of them, and running again adds nothing.
    assert integrity.ensure_same_account_keys() == []


def test_a_ticket_cannot_name_another_accounts_user(acme, acme_agent, globex_user):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(requester=globex_user)
        checked_now()


def test_a_ticket_cannot_take_another_accounts_organization(acme, acme_agent, globex):
    from accounts.models import Organization

    ticket = make_ticket(account=acme, submitter=acme_agent)
    foreign = Organization.objects.create(account=globex, name="Globex Holdings")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(organization=foreign)
        checked_now()


def test_a_comment_or_attachment_cannot_hang_off_another_account(acme, globex, globex_agent):
    theirs = make_ticket(account=globex, submitter=globex_agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(account=acme, ticket=theirs, author=globex_agent, body="x")
        checked_now()
    their_comment = theirs.comments.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.create(
            account=acme,
            comment=their_comment,
            uploader=globex_agent,
            file="attachments/x.txt",
            filename="x.txt",
            size=1,
            content_type="text/plain",
        )
        checked_now()


def test_keys_within_one_account_are_accepted(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(
        requester=acme_user, assignee=acme_agent
    )
    checked_now()
    ticket.refresh_from_db()
    assert (ticket.requester, ticket.assignee) == (acme_user, acme_agent)
