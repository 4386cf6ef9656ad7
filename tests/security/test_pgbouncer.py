"""Row-level security behind PgBouncer in transaction mode: the pooler hands one server
connection to whichever client has a transaction to run, so the account must travel with
each transaction (``accounts.dbsession``), never stay on the server's session.

These tests commit their rows (other connections must see them) and connect through a
PgBouncer of their own with a pool of ONE server connection, as a login of the
application's kind (not superuser, owner nor BYPASSRLS): two clients, one server session.
"""

from __future__ import annotations

import json
import os
import threading

import psycopg
import pytest
from django.db import connection, connections

from tests.commands import manage
from tests.conftest import bouncer_app_login
from tests.factories import make_ticket
from tests.pgbouncer import PgBouncer, wait_until_no_backends
from tests.security import urls_probe

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")


@pytest.fixture
def app_login(transactional_db):
    """The application-like login, with the grants deploy/postgres/10-app-roles.sh gives."""
    name = bouncer_app_login()
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone():  # a run cut off before its clean-up
            cursor.execute(f"DROP OWNED BY {quoted}")
            cursor.execute(f"DROP ROLE {quoted}")
        cursor.execute(f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOBYPASSRLS")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
    yield name
    with connection.cursor() as cursor:
        # Its sessions end first: a pooler in front of the suite (make test-pgbouncer)
        # would keep them, logged in as the dropped role, for the next one of this name.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [name]
        )
        cursor.execute(f"DROP OWNED BY {quoted}")
        cursor.execute(f"DROP ROLE {quoted}")


@pytest.fixture
def one_server_connection(app_login, postgres_address):
    s = connection.settings_dict
    host, port = postgres_address
    bouncer = PgBouncer(
        server_host=host,
        server_port=port,
        users=[app_login],
        pool_size=1,
    ).start()
    clients = []

    def client_connection():
        """A connection of its own (a web worker's), persistent, through the bouncer."""
        settings_dict = {
            **s,
            "HOST": "127.0.0.1",
            "PORT": bouncer.port,
            "USER": app_login,
            "PASSWORD": "",
            "CONN_MAX_AGE": None,
            "DISABLE_SERVER_SIDE_CURSORS": True,
        }
        client = type(connections["default"])(settings_dict, "default")
        clients.append(client)
        return client

    try:
        yield client_connection
    finally:
        try:
            for client in clients:
                client.close()
        finally:
            bouncer.stop()
        wait_until_no_backends(connection, s["NAME"], app_login)


@pytest.fixture
def two_accounts(acme, globex, settings):
    make_ticket(account=acme, subject="Acme's printer")
    make_ticket(account=globex, subject="Globex's secret plan")
    settings.TENANT_URLCONF = "tests.security.urls_probe"
    return acme, globex


def _backend_pid(client) -> int:
    with client.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_two_accounts_requests_interleaved_on_one_server_connection(
    two_accounts, one_server_connection, client_for
):
    acme, globex = two_accounts
    worker_a, worker_b = one_server_connection(), one_server_connection()
    default, server_sessions = connections["default"], set()
    try:
        for _round in range(3):
            for account, worker in ((acme, worker_a), (globex, worker_b)):
                connections["default"] = worker
                response = client_for(account=account).get("/__rls_probe__/")
                assert response.json() == {"accounts": [account.pk]}
                # Outside any request, on the same client connection: no account at all.
                with worker.cursor() as cursor:
                    cursor.execute("SELECT DISTINCT account_id FROM tickets_ticket")
                    assert cursor.fetchall() == []
                server_sessions.add(_backend_pid(worker))
    finally:
        connections["default"] = default
    assert worker_a.connection is not None and worker_b.connection is not None
    assert len(server_sessions) == 1  # two clients, one server session, taking turns


def test_concurrent_requests_never_see_each_others_account(
    two_accounts, one_server_connection, client_for
):
    """Both requests have their account before either reads (a barrier in the view): a
    session-level setting would have left the last one's account for both."""
    acme, globex = two_accounts
    seen: dict[str, object] = {}
    urls_probe.BARRIER = threading.Barrier(2, timeout=20)

    def request(account, worker):
        connections["default"] = worker
        try:
            response = client_for(account=account).get("/__rls_probe_concurrent__/")
            seen[account.subdomain] = response.json()["accounts"]
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            seen[account.subdomain] = repr(error)
            urls_probe.BARRIER.abort()

    workers = [one_server_connection(), one_server_connection()]
    for worker in workers:
        worker.inc_thread_sharing()  # each used by its thread, closed by the fixture
    threads = [
        threading.Thread(target=request, args=(account, worker))
        for account, worker in zip((acme, globex), workers, strict=True)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        urls_probe.BARRIER = None
    assert seen == {"acme": [acme.pk], "globex": [globex.pk]}


def test_a_session_level_setting_would_leak_through_the_pool(one_server_connection):
    """Why the account is never set for the session: PgBouncer gives the next client the
    same server session, setting and all."""
    one = one_server_connection().get_connection_params()
    params = {k: v for k, v in one.items() if k in ("host", "port", "user", "dbname")}
    with (
        psycopg.connect(**params, autocommit=True) as first,
        psycopg.connect(**params, autocommit=True) as second,
    ):
        first.execute("SELECT set_config('app.account_id', '42', false)")
        leaked = second.execute("SELECT current_setting('app.account_id', true)").fetchone()
        assert leaked == ("42",)
        first.execute("SELECT set_config('app.account_id', '', false)")


def test_transaction_pooling_turns_off_what_would_outlive_a_transaction(db):
    env = os.environ | {"DATABASE_TRANSACTION_POOLING": "true"}
    probe = (
        "import json; from django.conf import settings; d = settings.DATABASES['default'];"
        "print(json.dumps([d['DISABLE_SERVER_SIDE_CURSORS'], d['OPTIONS']['prepare_threshold']]))"
    )
    done = manage("shell", "-c", probe, env=env)
    assert done.returncode == 0, done.stderr
    # No WITH HOLD cursors, no prepared statements (PgBouncer < 1.21 cannot track them).
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True, None]
