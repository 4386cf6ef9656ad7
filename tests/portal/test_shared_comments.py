"""An organization's "shared comments" option (issue 21): members who see each other's
requests through "shared tickets" comment on them only when comments are shared too; on
every channel (help center, email, API go through ticket_takes_posts_from)."""

import pytest

from tests.factories import EndUserFactory, OrganizationFactory, make_ticket
from tickets.models import Comment
from tickets.selectors import ticket_takes_posts_from
from tickets.services import NotAllowed, ticket_reply


@pytest.fixture
def sharing(acme):
    org = OrganizationFactory(account=acme, name="Sharing")
    org.shared_tickets = True
    org.save()
    alice = EndUserFactory(account=acme, organization=org)
    bob = EndUserFactory(account=acme, organization=org)
    ticket = make_ticket(account=acme, requester=alice, subject="Alice's printer")
    return org, alice, bob, ticket


def reply_form(ticket) -> str:
    return f'action="/hc/requests/{ticket.number}/#reply"'


def test_a_member_sees_but_does_not_comment_without_shared_comments(acme, sharing, client_for):
    org, alice, bob, ticket = sharing
    assert not ticket_takes_posts_from(ticket=ticket, author=bob)
    with pytest.raises(NotAllowed):
        ticket_reply(ticket=ticket, author=bob, body="Me too", channel="portal")
    client = client_for(bob)
    page = client.get(f"/hc/requests/{ticket.number}/")
    # No reply form (the chat widget's own message box is on every help-center page).
    assert page.status_code == 200 and reply_form(ticket) not in page.text
    refused = client.post(f"/hc/requests/{ticket.number}/", {"body": "Me too"})
    assert refused.status_code == 400
    assert not Comment.objects.for_account(acme).filter(body="Me too").exists()


def test_with_shared_comments_members_comment_on_each_others_requests(acme, sharing, client_for):
    org, alice, bob, ticket = sharing
    org.shared_comments = True
    org.save()
    bob.refresh_from_db()
    assert ticket_takes_posts_from(ticket=ticket, author=bob)
    client = client_for(bob)
    assert reply_form(ticket) in client.get(f"/hc/requests/{ticket.number}/").text
    client.post(f"/hc/requests/{ticket.number}/", {"body": "Me too"})
    assert Comment.objects.for_account(acme).filter(body="Me too", author=bob).exists()


def test_requester_cc_and_manager_comment_whatever_the_option(acme, sharing):
    org, alice, bob, ticket = sharing
    carl = EndUserFactory(account=acme, organization=org, is_org_manager=True)
    dee = EndUserFactory(account=acme, organization=org)
    cc_ticket = make_ticket(account=acme, requester=alice, ccs=[dee])
    assert ticket_takes_posts_from(ticket=ticket, author=alice)
    assert ticket_takes_posts_from(ticket=ticket, author=carl)
    assert ticket_takes_posts_from(ticket=cc_ticket, author=dee)
