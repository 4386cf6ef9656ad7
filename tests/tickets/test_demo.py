"""The demo tickets of ``manage.py seed_demo``: a believable queue, built through the
services, that every agent page can show, and a second run that changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account, User
from tickets.models import Comment, Ticket
from tickets.selectors import tickets_visible_to


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    return Account.objects.get(subdomain="demo")


def test_demo_has_public_and_private_tickets_with_replies_and_notes(demo):
    tickets = Ticket.objects.for_account(demo)
    comments = Comment.objects.for_account(demo)
    assert tickets.count() >= 8
    assert tickets.filter(is_public=False).count() >= 2
    assert comments.filter(public=False).count() >= 3
    assert comments.filter(public=True, author__role=User.Role.END_USER).count() >= 3
    assert tickets.exclude(group=None).count() >= 5
    assert tickets.exclude(tags="").count() >= 8
    assert set(tickets.values_list("status", flat=True)) >= {"new", "open", "pending", "solved"}
    assert tickets.filter(ccs__isnull=False).exists()
    # Newest first in the lists, each one with its own history.
    assert len(set(tickets.values_list("created_at", flat=True))) == tickets.count()


def test_demo_private_tickets_stay_out_of_the_requesters_view(demo):
    for ticket in Ticket.objects.for_account(demo).filter(is_public=False):
        assert ticket not in tickets_visible_to(viewer=ticket.requester)
        assert not ticket.comments.filter(public=True).exists()


def test_seed_demo_twice_adds_no_tickets(demo):
    before = sorted(Ticket.objects.for_account(demo).values_list("number", "subject", "status"))
    call_command("seed_demo", stdout=StringIO())
    assert (
        sorted(Ticket.objects.for_account(demo).values_list("number", "subject", "status"))
        == before
    )


@pytest.mark.long
def test_every_demo_ticket_page_renders(demo, client_for):
    agent = User.objects.for_account(demo).get(email="agent@demo.example")
    client = client_for(agent)
    for number in Ticket.objects.for_account(demo).values_list("number", flat=True):
        for tab in ("conversation", "activity"):
            assert client.get(f"/agent/tickets/{number}/?tab={tab}").status_code == 200
    for view in ("unsolved", "recent", "private", "solved"):
        assert client.get(f"/agent/views/{view}/", follow=True).status_code == 200


def test_demo_knowledge_base_is_found_in_each_language(demo, client_for):
    client = client_for(account=demo)
    italian = client.get("/hc/kb/search/?q=rimborso", HTTP_ACCEPT_LANGUAGE="it").text
    assert "Quando arriva il <mark>rimborso</mark>?" in italian
    spanish = client.get("/hc/kb/search/?q=reembolso", HTTP_ACCEPT_LANGUAGE="es").text
    assert "¿Cuándo llegará mi <mark>reembolso</mark>?" in spanish
    # The signed-in article stays out of an anonymous visitor's results.
    assert "Resetting your password" not in client.get("/hc/kb/search/?q=password").text
