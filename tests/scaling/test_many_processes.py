"""Web × N: two gunicorn processes on different ports, one database and one Redis, and
a flow that alternates between them as a load balancer would. Nothing a request needs
may live in one process only: the session, the CSRF token, the tickets, the sign-in
throttle's failures and the API's rate limit all have to hold whichever process
answers (README, "Scaling")."""

from __future__ import annotations

import re
import socket
import uuid

import pytest
import redis
import requests
from django.db import connection

from accounts.models import User
from tests.api.conftest import token_for
from tests.conftest import host_of
from tests.factories import DEFAULT_PASSWORD
from tests.scaling.servers import APP_ROLE, gunicorns

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# The Redis database of this module's servers (cache and broker), each key under a prefix
# of the run's own, deleted after.
REDIS_URL = "redis://127.0.0.1:6379/11"
PREFIX = f"scaling-{uuid.uuid4().hex[:8]}"


class Browser:
    """One visitor's cookies, sent to whichever process a request goes to (the cookie
    jar ignores ports, as a browser behind one host name would)."""

    def __init__(self, account):
        self.session = requests.Session()
        self.session.headers["Host"] = host_of(account)

    def get(self, port: int, path: str) -> requests.Response:
        return self.session.get(f"http://127.0.0.1:{port}{path}", allow_redirects=False)

    def post(self, port: int, path: str, data: dict) -> requests.Response:
        token = self.session.cookies.get("csrftoken")
        assert token, "no CSRF cookie: GET the form first"
        return self.session.post(
            f"http://127.0.0.1:{port}{path}",
            data={"csrfmiddlewaretoken": token, **data},
            allow_redirects=False,
        )

    def sign_in(self, port: int, email: str, password: str = DEFAULT_PASSWORD):
        assert self.get(port, "/signin/").status_code == 200
        return self.post(port, "/signin/", {"username": email, "password": password})


@pytest.fixture(scope="module")
def shared_redis():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    for key in client.scan_iter(f"*{PREFIX}*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def servers(django_db_setup, shared_redis, tmp_path_factory):
    """Started once for the module; each test's rows are committed, then emptied after it
    (transactional tests), while the servers' idle connections stay open."""
    with gunicorns(
        2, redis_url=REDIS_URL, prefix=PREFIX, media_root=tmp_path_factory.mktemp("media")
    ) as ports:
        yield ports


def test_a_ticket_flow_alternating_between_two_processes(
    servers, shared_redis, acme, acme_agent, acme_user
):
    a, b = servers
    agent, customer = Browser(acme), Browser(acme)

    # Signed in on A, the agent is signed in on B: the session is in the database.
    assert agent.sign_in(a, acme_agent.email).status_code == 302
    assert agent.get(b, "/agent/").status_code == 200
    # The customer signs in on B and opens a request on A, with B's CSRF cookie.
    assert customer.sign_in(b, acme_user.email).status_code == 302
    assert customer.get(b, "/hc/requests/new/").status_code == 200
    created = customer.post(
        a,
        "/hc/requests/new/",
        {"subject": "Printer on fire", "body": "It smells of toast."},
    )
    assert created.status_code == 302, created.text[-2000:]
    number = int(re.search(r"/hc/requests/(\d+)/", created.headers["Location"]).group(1))

    # The agent sees it on B and replies on A (the form from B).
    page = agent.get(b, f"/agent/tickets/{number}/")
    assert page.status_code == 200 and "Printer on fire" in page.text
    replied = agent.post(
        a,
        f"/agent/tickets/{number}/reply/",
        {"comment_type": "public", "body": "Unplug it, we are on our way."},
    )
    assert replied.status_code == 302, replied.text[-2000:]

    # The customer reads the reply on B and answers on B.
    request_page = customer.get(b, f"/hc/requests/{number}/")
    assert "Unplug it, we are on our way." in request_page.text
    answered = customer.post(b, f"/hc/requests/{number}/", {"body": "Unplugged. Thanks!"})
    assert answered.status_code == 302, answered.text[-2000:]
    assert "Unplugged. Thanks!" in agent.get(a, f"/agent/tickets/{number}/").text

    # Both processes handed their emails to the one broker, on the mail queue.
    assert shared_redis.llen(f"{PREFIX}:mail") >= 2
    # Each process on connections of its own, as the application's role.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND datname = %s",
            [APP_ROLE, connection.settings_dict["NAME"]],
        )
        assert cursor.fetchone()[0] >= 2

    # Signed out on B, the agent is signed out on A too.
    assert agent.get(b, "/agent/").status_code == 200
    assert agent.post(b, "/signout/", {}).status_code == 302
    assert agent.get(a, "/agent/").status_code == 302


def test_the_sign_in_throttle_counts_failures_made_on_every_process(servers, acme, acme_agent):
    """5 failures for an address from one client lock it for that client: made 3 on
    A and 2 on B, the lock then holds on both, even for the right password."""
    a, b = servers
    attacker = Browser(acme)
    for port in (a, b, a, b, a):
        refused = attacker.sign_in(port, acme_agent.email, "not-the-password")
        assert refused.status_code == 200
    for port in (b, a):
        locked = attacker.sign_in(port, acme_agent.email)
        assert locked.status_code == 200
        assert "Too many failed sign-ins for this address" in locked.text
    assert User.objects.for_account(acme).get(pk=acme_agent.pk).last_login is None


def test_the_api_rate_limit_is_one_budget_across_processes(servers, acme, acme_agent):
    """The account's budget (3 an hour in these servers' settings) is spent wherever
    the requests land: A, B, A, and the fourth, on B, is refused."""
    a, b = servers
    api = requests.Session()
    api.headers["Host"] = host_of(acme)
    api.auth = (f"{acme_agent.email}/token", token_for(acme_agent))

    def me(port):
        return api.get(f"http://127.0.0.1:{port}/api/v2/users/me.json")

    assert [me(port).status_code for port in (a, b, a)] == [200, 200, 200]
    limited = me(b)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
