"""A real streaming replica (conftest.py): the agent's lists, counts and search and the
API's reads come from it, row-level security holds there, and a user who has just
written reads the primary (read your own writes). The standby's replay is paused where a
test needs a replica that is certainly behind: what it lacks tells who answered."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from accounts.dbsession import account_context
from helpdesk import db_router
from helpdesk.db_router import reading_from_replica
from tests.api.conftest import ApiClient, basic_header, token_for
from tests.factories import AgentFactory, make_ticket
from tests.replica.cluster import free_port
from tests.replica.conftest import APP_ROLE
from tickets.models import Ticket
from tickets.services import comment_add

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def _no_pins_left():
    # Pins live in the cache for a few seconds; each test starts and ends without any.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Printer on fire"
    )


@pytest.fixture
def colleague(acme):
    return AgentFactory(account=acme, email="colleague@acme.example", name="Cleo Colleague")


def api_of(user) -> ApiClient:
    client = ApiClient(user.account)
    client.credentials(HTTP_AUTHORIZATION=basic_header(user.email, token_for(user)))
    return client


def test_the_replica_is_a_hot_standby_read_as_the_application_role(replay_paused):
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), current_user, rolsuper, rolbypassrls "
            "FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (True, APP_ROLE, False, False)


def test_agent_lists_counts_and_search_read_from_the_replica(
    ticket, acme, acme_agent, client_for, replay_paused
):
    # Written after the standby stopped replaying: only the primary has it.
    make_ticket(account=acme, submitter=acme_agent, subject="Lagging behind")
    agent = client_for(acme_agent)  # has written nothing: not pinned

    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        listed = agent.get("/agent/views/3/").text
        found = agent.get("/agent/search/", {"q": "printer"}).text
        not_found = agent.get("/agent/search/", {"q": "lagging"}).text

    assert "Printer on fire" in listed and "Lagging behind" not in listed
    assert "Printer on fire" in found
    assert "Lagging behind" not in not_found
    assert any("tickets_ticket" in q["sql"] for q in on_replica.captured_queries)
    # The primary answered who is asking (session, user, account), never for tickets.
    assert not [q["sql"] for q in on_primary.captured_queries if '"tickets_' in q["sql"]]


def test_api_reads_come_from_the_replica(ticket, acme, acme_agent, replay_paused):
    api = api_of(acme_agent)  # the token is new: found on the primary, where it is
    make_ticket(account=acme, submitter=acme_agent, subject="Lagging behind")

    listed = api.get("tickets.json").json()
    searched = api.get("search.json", {"query": "type:ticket lagging"}).json()

    assert [t["subject"] for t in listed["tickets"]] == ["Printer on fire"]
    assert searched["results"] == []

    replay_paused.resume_replay()
    replay_paused.wait_for_replay()
    listed = api.get("tickets.json").json()
    assert sorted(t["subject"] for t in listed["tickets"]) == ["Lagging behind", "Printer on fire"]


def test_row_level_security_holds_on_the_replica(
    ticket, acme, globex, acme_agent, globex_agent, client_for, replay_paused
):
    make_ticket(account=globex, submitter=globex_agent, subject="Globex first")
    globex_ticket = make_ticket(account=globex, submitter=globex_agent, subject="Globex plans")
    assert globex_ticket.number == 2  # a number acme has no ticket of
    replay_paused.resume_replay()
    replay_paused.wait_for_replay()
    agent = client_for(acme_agent)

    assert "Globex plans" not in agent.get("/agent/views/3/").text
    assert "Globex plans" not in agent.get("/agent/search/", {"q": "globex"}).text
    api = api_of(acme_agent)
    assert [t["subject"] for t in api.get("tickets.json").json()["tickets"]] == ["Printer on fire"]
    assert api.get(f"tickets/{globex_ticket.number}.json").status_code == 404

    # Raw SQL, no application scoping: PostgreSQL's policies alone keep globex out.
    def subjects_on_replica(account) -> list[str]:
        with account_context(account), reading_from_replica() as used:
            assert used
            alias = router.db_for_read(Ticket)
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT subject FROM tickets_ticket ORDER BY subject")
                return [alias, *(row[0] for row in cursor.fetchall())]

    assert subjects_on_replica(acme) == ["replica", "Printer on fire"]
    assert subjects_on_replica(globex) == ["replica", "Globex first", "Globex plans"]
    assert subjects_on_replica(None) == ["replica"]
    # The account was the replica transaction's alone: nothing is left on the connection.
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT COALESCE(current_setting('app.account_id', true), '')")
        assert cursor.fetchone() == ("",)


def test_agent_sees_their_own_reply_immediately_after_posting(
    ticket, acme_agent, colleague, client_for, replay_paused
):
    agent = client_for(acme_agent)
    posted = agent.post(
        f"/agent/tickets/{ticket.number}/reply/",
        {"comment_type": "public", "body": "Zebra crossing repaired", "status": ""},
    )
    assert posted.status_code == 302

    # The replica has not replayed the reply; the agent who wrote it reads the primary.
    assert "Zebra crossing repaired" in agent.get("/agent/views/3/").text
    assert "Printer on fire" in agent.get("/agent/search/", {"q": "zebra"}).text
    # A colleague who wrote nothing reads the replica, which is behind.
    other = client_for(colleague)
    assert "Zebra crossing repaired" not in other.get("/agent/views/3/").text
    assert "Printer on fire" not in other.get("/agent/search/", {"q": "zebra"}).text


def test_api_client_sees_its_own_comment_immediately_after_posting(
    ticket, acme_agent, colleague, replay_paused
):
    api = api_of(acme_agent)
    answered = api.put(
        f"tickets/{ticket.number}.json", {"ticket": {"comment": {"body": "Giraffe spotted"}}}
    )
    assert answered.status_code == 200

    comments = f"tickets/{ticket.number}/comments.json"
    assert "Giraffe spotted" in [c["body"] for c in api.get(comments).json()["comments"]]
    # A script keeps no cookies: the pin is the user's, in the shared cache.
    cookieless = api_of(acme_agent)
    assert "Giraffe spotted" in [c["body"] for c in cookieless.get(comments).json()["comments"]]
    other = api_of(colleague)
    assert "Giraffe spotted" not in [c["body"] for c in other.get(comments).json()["comments"]]


def test_a_transaction_that_writes_never_reads_the_replica(ticket, acme, acme_agent, replay_paused):
    with account_context(acme):
        with transaction.atomic(), reading_from_replica() as used:
            assert not used
            comment_add(ticket=ticket, author=acme_agent, body="Inside", public=True)
            assert ticket.comments.filter(body="Inside").exists()

        with reading_from_replica() as used:
            assert used and router.db_for_read(Ticket) == "replica"
            comment_add(ticket=ticket, author=acme_agent, body="Then", public=True)
            # The block wrote: the rest of it reads the primary, its own write included.
            assert router.db_for_read(Ticket) == "default"
            assert ticket.comments.filter(body="Then").exists()


def test_an_unreachable_replica_degrades_to_the_primary(
    ticket, acme, acme_agent, client_for, replay_paused
):
    make_ticket(account=acme, submitter=acme_agent, subject="Lagging behind")
    replica = connections["replica"]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = str(free_port())
    try:
        listed = client_for(acme_agent).get("/agent/views/3/")
        assert listed.status_code == 200
        assert "Lagging behind" in listed.text  # the primary's rows
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
        db_router._replica_down_until = 0.0


def test_with_atomic_requests_a_get_still_reads_the_replica_and_a_write_still_pins(
    ticket, acme, acme_agent, colleague, client_for, replay_paused
):
    # Each request in one transaction of the primary (ATOMIC_REQUESTS, as PgBouncer's
    # transaction mode may have it): a GET has written nothing in its transaction.
    primary = connections["default"].settings_dict
    primary["ATOMIC_REQUESTS"] = True
    try:
        make_ticket(account=acme, submitter=acme_agent, subject="Lagging behind")
        agent = client_for(acme_agent)
        assert "Lagging behind" not in agent.get("/agent/views/3/").text

        posted = agent.post(
            f"/agent/tickets/{ticket.number}/reply/",
            {"comment_type": "public", "body": "Zebra crossing repaired", "status": ""},
        )
        assert posted.status_code == 302
        assert "Zebra crossing repaired" in agent.get("/agent/views/3/").text
        other = client_for(colleague).get("/agent/views/3/").text
        assert "Zebra crossing repaired" not in other
    finally:
        primary["ATOMIC_REQUESTS"] = False
