"""The replica tests run against a primary and a hot standby of their own (cluster.py).

``replica_cluster`` (session, started the first time a test here needs it) starts the
pair, creates the test database on the primary with Django's migrations, adds a login
role like production's application role (not superuser, not BYPASSRLS) and waits until
the standby has replayed it all. For the tests of this folder ``django_db_setup`` points
Django's ``default`` connection at that primary and adds the ``replica`` alias (the
standby, as the application role, so row-level security binds it) as
``DATABASE_REPLICA_URL`` would; both are put back as they were afterwards, so the rest
of the suite runs on its usual database. Rows must be committed for the standby to see
them: the tests are transactional (``django_db(transaction=True)``).

Without the PostgreSQL server binaries the tests are skipped, except in CI (``CI=true``),
where they fail.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings

from tests.replica.cluster import Cluster, postgres_bindir, start_cluster

TEST_DATABASE = "test_sportello_replica"
APP_ROLE = "sportello_app"


def _alias_settings(base: dict, *, port: int, user: str, name: str) -> dict:
    conf = copy.deepcopy(base)
    conf.update(HOST="127.0.0.1", PORT=str(port), USER=user, PASSWORD="", NAME=name)
    conf["TEST"] = {**conf.get("TEST", {}), "NAME": name}
    return conf


@contextmanager
def _default_on(cluster: Cluster, name: str) -> Iterator[None]:
    """Django's default connection on the cluster's primary, then back as it was."""
    default = connections["default"]
    saved = copy.deepcopy(default.settings_dict)
    default.close()
    default.settings_dict.update(
        _alias_settings(saved, port=cluster.primary_port, user="postgres", name=name)
    )
    try:
        yield
    finally:
        default.close()
        default.settings_dict.clear()
        default.settings_dict.update(saved)


def _grant_app_role(cluster: Cluster) -> None:
    with cluster.connect(dbname=TEST_DATABASE) as conn:
        conn.execute(
            f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
        )
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
        conn.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}"
        )
        conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
        # The search functions of tickets/migrations/0005 are SECURITY DEFINER; EXECUTE
        # is granted to PUBLIC by default.


@pytest.fixture(scope="session")
def replica_cluster(django_db_blocker) -> Iterator[Cluster]:
    bindir = postgres_bindir()
    if bindir is None:
        message = "PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup) are missing"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    cluster = start_cluster(bindir)
    try:
        with django_db_blocker.unblock(), _default_on(cluster, TEST_DATABASE):
            connections["default"].creation.create_test_db(verbosity=0, autoclobber=True)
        _grant_app_role(cluster)
        cluster.wait_for_replay()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def django_db_setup(replica_cluster: Cluster, django_db_blocker) -> Iterator[None]:
    """Overrides pytest-django's for this folder: default on the private primary, and
    the ``replica`` alias on its standby."""
    with django_db_blocker.unblock(), _default_on(replica_cluster, TEST_DATABASE):
        replica = _alias_settings(
            connections["default"].settings_dict,
            port=replica_cluster.standby_port,
            user=APP_ROLE,
            name=TEST_DATABASE,
        )
        replica["TEST"]["MIRROR"] = "default"
        connections.settings["replica"] = replica
        settings.DATABASES["replica"] = replica
        # As helpdesk/settings.py does when DATABASE_REPLICA_URL is set.
        routers = override_settings(DATABASE_ROUTERS=["helpdesk.db_router.ReplicaRouter"])
        routers.enable()
        try:
            yield
        finally:
            routers.disable()
            connections["replica"].close()
            del connections["replica"]
            # One dict, or two (were Django to copy settings.DATABASES): both cleared.
            connections.settings.pop("replica", None)
            settings.DATABASES.pop("replica", None)


@pytest.fixture
def replay_paused(replica_cluster: Cluster) -> Iterator[Cluster]:
    """The standby replays nothing more until the test ends: it lags behind, for sure."""
    replica_cluster.wait_for_replay()
    replica_cluster.pause_replay()
    try:
        yield replica_cluster
    finally:
        replica_cluster.resume_replay()
        replica_cluster.wait_for_replay()
