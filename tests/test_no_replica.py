"""Without DATABASE_REPLICA_URL there is no replica: every query goes to the primary, as
before, and nobody is pinned. (With one: tests/replica/, against a real standby.)"""

from __future__ import annotations

import json
import os

import pytest
from django.db import connection, connections, router
from django.test.utils import CaptureQueriesContext

from helpdesk.db_router import reading_from_replica, replica_configured
from helpdesk.read_your_writes import COOKIE_NAME
from tests.commands import manage
from tests.factories import make_ticket
from tickets.models import Ticket


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Printer on fire"
    )


def test_without_a_replica_every_read_goes_to_the_primary(ticket, acme_agent, client_for):
    assert not replica_configured() and "replica" not in connections
    with reading_from_replica() as used:
        assert not used
        assert router.db_for_read(Ticket) == "default"

    agent = client_for(acme_agent)
    with CaptureQueriesContext(connection) as on_primary:
        listed = agent.get("/agent/views/3/").text
    assert "Printer on fire" in listed
    assert any('"tickets_ticket"' in q["sql"] for q in on_primary.captured_queries)


def test_without_a_replica_a_write_pins_nobody(ticket, acme_agent, client_for):
    posted = client_for(acme_agent).post(
        f"/agent/tickets/{ticket.number}/reply/",
        {"comment_type": "public", "body": "Hello there", "status": ""},
    )
    assert posted.status_code == 302
    assert COOKIE_NAME not in posted.cookies


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", [None, []]),
        (
            "postgres://app:secret@replica.internal:5433/sportello",
            [
                {"HOST": "replica.internal", "PORT": 5433, "USER": "app", "MIRROR": "default"},
                ["helpdesk.db_router.ReplicaRouter"],
            ],
        ),
    ],
)
def test_database_replica_url_configures_the_replica_alias_and_its_router(url, expected):
    code = (
        "from django.conf import settings; import json; r = settings.DATABASES.get('replica');"
        "print(json.dumps([r and {'HOST': r['HOST'], 'PORT': r['PORT'], 'USER': r['USER'],"
        " 'MIRROR': r['TEST']['MIRROR']}, settings.DATABASE_ROUTERS]))"
    )
    done = manage("shell", "-c", code, env=os.environ | {"DATABASE_REPLICA_URL": url})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == expected
