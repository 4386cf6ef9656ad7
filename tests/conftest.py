"""Common fixtures: two accounts, acme and globex, so every feature is tested across
the boundary; a client per role that talks to an account's own subdomain."""

from __future__ import annotations

import os

import pytest
from django.db import connections
from django.test import Client

from tests import flush
from tests.factories import (
    DEFAULT_PASSWORD,
    AccountFactory,
    AdminFactory,
    AgentFactory,
    EndUserFactory,
    OrganizationFactory,
)
from tests.pgbouncer import PgBouncer, wait_until_no_backends


def pytest_configure(config):
    # After a transactional test, DELETE rather than TRUNCATE every table (tests/flush.py).
    flush.install()


def pytest_collection_modifyitems(config, items):
    """The ``long`` tests first (each a minute or more of one worker), the rest in their
    order. worksteal hands each worker half of the items and lets an idle worker take the
    tail of the other's queue: a long test left near a queue's end (the restore drill was
    in the middle of the collection, the end of the first worker's half) is started last
    and keeps one core busy minutes after the other has finished. Begun first, they run
    while the other worker goes through its short tests, and the short ones balance the
    end. Stable, and the same on every worker (xdist checks the workers' collections are
    identical)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def host_of(account) -> str:
    return f"{account.subdomain}.localhost"


class TenantClient(Client):
    """A test client whose requests go to one account's subdomain."""

    def __init__(self, account=None, **kwargs):
        self.account = account
        super().__init__(HTTP_HOST=host_of(account) if account else "localhost", **kwargs)


@pytest.fixture
def acme(db):
    return AccountFactory(subdomain="acme", name="Acme Inc.")


@pytest.fixture
def globex(db):
    return AccountFactory(subdomain="globex", name="Globex Corporation")


@pytest.fixture
def acme_admin(acme):
    return AdminFactory(account=acme, email="admin@acme.example", name="Ada Admin")


@pytest.fixture
def acme_agent(acme):
    return AgentFactory(account=acme, email="agent@acme.example", name="Alan Agent")


@pytest.fixture
def acme_org(acme):
    return OrganizationFactory(
        account=acme, name="Acme Customers Ltd", domains=["customer.example"]
    )


@pytest.fixture
def acme_user(acme, acme_org):
    return EndUserFactory(
        account=acme, email="user@customer.example", name="Uma User", organization=acme_org
    )


@pytest.fixture
def acme_manager(acme, acme_org):
    return EndUserFactory(
        account=acme,
        email="manager@customer.example",
        name="Mona Manager",
        organization=acme_org,
        is_org_manager=True,
    )


@pytest.fixture
def globex_agent(globex):
    return AgentFactory(account=globex, email="agent@globex.example", name="Gina Globex")


@pytest.fixture
def globex_user(globex):
    return EndUserFactory(account=globex, email="user@globex.example", name="Gus Globex")


@pytest.fixture
def client_for():
    """client_for(user) → a client signed in as that user on their account's subdomain;
    client_for(account=acme) → an anonymous client on acme's subdomain."""

    def make(user=None, *, account=None):
        client = TenantClient(account or (user.account if user else None))
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is not what these tests are about; PBKDF2 would dominate their time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """Tests read the translations as `make run` serves them: .po compiled to .mo first
    (a plain `pytest` too, not only `make test`)."""
    from django.utils.translation.reloader import translation_file_changed

    from accounts.management.commands.compile_catalogues import compile_catalogues

    for mo in compile_catalogues():
        translation_file_changed(sender=None, file_path=mo)


# No test writes into the project's media folder: uploads land in a temporary one.
@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _view_counts_uncached(settings):
    # The tests' cache is one per process, shared by every test: a count kept by one
    # page would show on the next. tests/tickets/test_view_rules.py tests the caching.
    settings.VIEW_COUNT_CACHE_SECONDS = 0


@pytest.fixture
def private_on(acme):
    acme.private_tickets_enabled = True
    acme.save()
    return acme


@pytest.fixture(scope="session")
def pgbouncer(django_db_setup, django_db_blocker):
    """Debian's PgBouncer in transaction mode (pool of 2) in front of the test database;
    skipped when it is not installed, a failure in CI (tests/pgbouncer.py)."""
    s = connections["default"].settings_dict
    bouncer = PgBouncer(
        server_host=s["HOST"] or "127.0.0.1",
        server_port=int(s["PORT"] or 5432),
        # The suite's login, the PgBouncer tests' app login, and the roles that
        # tests/security/test_database_roles.py makes and logs in as.
        users=[s["USER"] or "postgres", bouncer_app_login()]
        + [f"{s['NAME'][:40]}_script_{kind}" for kind in ("app", "platform")],
    ).start()
    try:
        yield bouncer
    finally:
        bouncer.stop()
    with django_db_blocker.unblock():
        wait_until_no_backends(connections["default"], s["NAME"])


@pytest.fixture
def postgres_address(request) -> tuple[str, int]:
    """PostgreSQL's own host and port, also when the run goes through PgBouncer."""
    if os.environ.get("TEST_THROUGH_PGBOUNCER") == "1":
        bouncer = request.getfixturevalue("pgbouncer")
        return bouncer.server_host, bouncer.server_port
    s = connections["default"].settings_dict
    return s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432)


def bouncer_app_login() -> str:
    """A login of the application's kind (not superuser, owner nor BYPASSRLS) that the
    PgBouncer tests connect as; cluster-wide, so named after the test database."""
    return f"{connections['default'].settings_dict['NAME']}_bouncer_app"[:60]


@pytest.fixture(scope="session", autouse=True)
def _through_pgbouncer(request, django_db_blocker):
    """``TEST_THROUGH_PGBOUNCER=1`` (`make test-pgbouncer`): every connection of the run
    goes through PgBouncer in transaction mode."""
    if os.environ.get("TEST_THROUGH_PGBOUNCER") != "1":
        yield
        return
    bouncer = request.getfixturevalue("pgbouncer")
    saved = {}
    with django_db_blocker.unblock():
        for connection in connections.all():
            saved[connection.alias] = (
                connection.settings_dict["HOST"],
                connection.settings_dict["PORT"],
            )
            connection.close()
            connection.settings_dict.update(HOST="127.0.0.1", PORT=bouncer.port)
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close()
            if connection.alias in saved:
                host, port = saved[connection.alias]
                connection.settings_dict.update(HOST=host, PORT=port)
