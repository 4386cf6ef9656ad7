"""Zendesk's Ticket Import: historical tickets keep their times, comments their authors
and times, and nothing runs or goes out (the real outbox stays empty, while the same
ticket created the ordinary way fills it)."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.models import Delivery
from tests.api.zendesk import assert_matches, example
from tests.factories import AgentFactory
from tickets.models import Comment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(api_for, acme_admin):
    return api_for(acme_admin)


def _with_our_people(ticket: dict, requester, agent) -> dict:
    # The example's ids are Zendesk's: ours are per account.
    mapping = {827: requester.number, 830: requester.number, 19: agent.number, 21: agent.number}
    ticket["requester_id"] = mapping[ticket["requester_id"]]
    ticket["assignee_id"] = mapping[ticket["assignee_id"]]
    for comment in ticket["comments"]:
        comment["author_id"] = mapping[comment["author_id"]]
    return ticket


def test_zendesks_import_example_keeps_the_history_and_sends_nothing(
    admin_api, acme, acme_user, acme_agent
):
    body = example("TicketImportRequestExample")
    _with_our_people(body["ticket"], acme_user, acme_agent)
    body["ticket"]["created_at"] = "2009-06-25T10:00:00Z"
    body["ticket"]["status"] = "solved"
    body["ticket"]["solved_at"] = "2009-06-27T09:00:00Z"
    response = admin_api.post("imports/tickets.json", body)
    assert response.status_code == 201, response.json()
    assert_matches(response.json(), "TicketResponse")
    answer = response.json()["ticket"]
    assert answer["created_at"] == "2009-06-25T10:00:00Z"
    assert answer["status"] == "solved" and answer["tags"] == ["bar", "foo"]
    ticket = Ticket.objects.for_account(acme).get(number=answer["id"])
    assert ticket.solved_at == dt.datetime(2009, 6, 27, 9, tzinfo=dt.UTC)
    comments = list(Comment.objects.for_account(acme).filter(ticket=ticket).order_by("id"))
    assert [(c.author, c.body, c.public) for c in comments] == [
        (acme_user, "This is a comment", True),
        (acme_agent, "This is a private comment", False),
    ]
    assert comments[0].created_at == dt.datetime(2009, 6, 25, 10, 15, 18, tzinfo=dt.UTC)
    assert comments[1].created_at == ticket.created_at  # no time given: the ticket's
    events = TicketEvent.objects.for_account(acme).filter(ticket=ticket)
    assert sorted(events.values_list("kind", flat=True)) == ["comment", "comment", "created"]
    assert events.get(kind="created").created_at == ticket.created_at
    assert not Delivery.objects.for_account(acme).exists()  # no email, no webhook


def test_the_same_ticket_created_the_ordinary_way_does_fill_the_outbox(admin_api, acme, acme_user):
    # The control: the default triggers email the requester of a new ticket.
    body = {
        "ticket": {"subject": "Help", "comment": {"body": "x"}, "requester_id": acme_user.number}
    }
    assert admin_api.post("tickets.json", body).status_code == 201
    assert Delivery.objects.for_account(acme).exists()


def test_zendesks_bulk_import_example(admin_api, acme, acme_user, acme_agent):
    body = example("TicketBulkImportRequestExample")
    for ticket in body["tickets"]:
        _with_our_people(ticket, acme_user, acme_agent)
    response = admin_api.post("imports/tickets/create_many.json", body)
    assert response.status_code == 200, response.json()
    assert_matches(response.json(), "JobStatusResponse")
    job = admin_api.get(response.json()["job_status"]["url"]).json()["job_status"]
    assert [r["success"] for r in job["results"]] == [True, True]
    subjects = Ticket.objects.for_account(acme).order_by("number").values_list("subject", flat=True)
    assert list(subjects) == ["Help", "Missing Item"]
    assert not Delivery.objects.for_account(acme).exists()


def test_an_import_without_comments_takes_the_description(admin_api, acme, acme_user):
    body = {
        "ticket": {
            "subject": "Old",
            "description": "From 2015",
            "requester_id": acme_user.number,
            "created_at": "2015-01-01T00:00:00Z",
        }
    }
    answer = admin_api.post("imports/tickets.json", body).json()["ticket"]
    ticket = Ticket.objects.for_account(acme).get(number=answer["id"])
    comment = Comment.objects.for_account(acme).get(ticket=ticket)
    assert (comment.body, comment.author, comment.created_at.year) == ("From 2015", acme_user, 2015)


def test_an_import_by_requester_email_makes_the_user(admin_api, acme):
    body = {
        "ticket": {
            "subject": "Hi",
            "requester": {"name": "Old Customer", "email": "old@example.org"},
            "comments": [{"value": "hello"}],
        }
    }
    response = admin_api.post("imports/tickets.json", body)
    assert response.status_code == 201, response.json()
    assert Ticket.objects.for_account(acme).get().requester.email == "old@example.org"


@pytest.mark.parametrize(
    "change",
    [
        {"requester_id": None},
        {"subject": ""},
        {"created_at": "2999-01-01T00:00:00Z"},
        {"status": "bogus"},
        {"comments": [{"author_id": 999999, "value": "x"}]},
        {"comments": "x"},
    ],
)
def test_a_bad_import_is_refused_whole(admin_api, acme, acme_user, change):
    body = {
        "ticket": {
            "subject": "Hi",
            "requester_id": acme_user.number,
            "comments": [{"value": "x"}],
            **change,
        }
    }
    response = admin_api.post("imports/tickets.json", body)
    assert response.status_code in (400, 422), response.json()
    assert not Ticket.objects.for_account(acme).exists()


def test_another_accounts_people_are_not_found(admin_api, acme, globex_user):
    body = {
        "ticket": {
            "subject": "Hi",
            "requester_id": globex_user.number + 1000,
            "comments": [{"value": "x"}],
        }
    }
    assert admin_api.post("imports/tickets.json", body).status_code == 422
    assert not Ticket.objects.for_account(acme).exists()


@pytest.mark.parametrize("path", ["imports/tickets.json", "imports/tickets/create_many.json"])
def test_only_admins_import(api_for, acme, acme_agent, acme_user, path):
    body = {
        "ticket": {"subject": "Hi", "requester_id": acme_user.number, "comments": [{"value": "x"}]}
    }
    body["tickets"] = [body["ticket"]]
    for user in (acme_agent, acme_user, AgentFactory(account=acme)):
        assert api_for(user).post(path, body).status_code == 403
    assert not Ticket.objects.for_account(acme).exists()
