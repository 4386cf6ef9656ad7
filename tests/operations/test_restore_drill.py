"""The restore drill (README, "Operations" → "Restore drill"), run for real: a backup of
this test database made by deploy/backup/backup.sh (roles, pg_dump, media), restored by
deploy/backup/restore.sh into a cluster made for the occasion, then checked the way the
product depends on it: the application's login exists and is bound by every policy, an
account sees only its own rows, the attachments' files are back, and the security tests
(the access crawler, the visibility properties, row-level security, same-account keys,
search under RLS) pass on the restored database.

Slow (a cluster's initdb, then a pytest process running the access and visibility tests),
and part of ``make test``: a backup nobody restored is a hope, not a backup. The crawler
runs there as the role row-level security binds (``CRAWLER_ON_RESTORE``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from accounts.dbsession import account_context
from accounts.rls import policy_tables
from tests.factories import AccountFactory, AgentFactory, EndUserFactory, make_ticket
from tests.operations.fresh_cluster import fresh_cluster, server_bin
from tests.security.test_access_crawler import CRAWLS
from tests.tickets.conftest import upload
from tickets.services import comment_add

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy/backup/backup.sh"
RESTORE = ROOT / "deploy/backup/restore.sh"
ROLES = ROOT / "deploy/postgres/10-app-roles.sh"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL backup"),
    pytest.mark.skipif(
        server_bin() is None or not shutil.which("pg_dump"), reason="PostgreSQL's tools"
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.long,
]

# The security tests run again on the restored database: the access crawler (every
# route, across accounts) and the visibility properties (what each person may see), with
# row-level security, same-account keys and search under RLS.
CRAWLER = "tests/security/test_access_crawler.py"
SECURITY_TESTS = [
    CRAWLER,
    "tests/security/test_visibility_properties.py",
    "tests/security/test_row_level_security.py",
    "tests/security/test_same_account_keys.py",
    "tests/security/test_search_under_rls.py",
]
# The crawler's crawls as the role that row-level security and the grants bind (as
# production's login is): those ask the restored database's policies, grants and functions.
# Its crawls as the superuser, whom neither binds, ask only the views, which a restore does
# not change (they run on the suite's own database): left out here, most of the drill's
# time (its last full run: 826 s, nearly all of it the eleven crawls).
CRAWLER_ON_RESTORE = [
    f"{CRAWLER}::test_every_url_pattern_has_an_entry",
    f"{CRAWLER}::test_the_fingerprint_sees_the_tests_own_writes_and_not_another_sessions",
    *(
        f"{CRAWLER}::test_every_url_answers_each_role_as_the_table_says[{role}-{database_role}]"
        for role, database_role in CRAWLS
        if database_role == "app_role"
    ),
]


def _source_env() -> dict[str, str]:
    s = connection.settings_dict
    return os.environ | {
        "PGHOST": s["HOST"] or "127.0.0.1",
        "PGPORT": str(s["PORT"] or 5432),
        "PGUSER": s["USER"] or "postgres",
        "PGPASSWORD": s["PASSWORD"] or "",
        "PGDATABASE": s["NAME"],
    }


def _run(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 - our own scripts
        list(args), env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def production_roles():
    """The application's and the platform's logins, made by the production script on
    this test database (names of its own: roles are cluster-wide), dropped after."""
    base = connection.settings_dict["NAME"][:40]
    names = (f"{base}_drill_app", f"{base}_drill_platform")
    env = _source_env()
    _drop_roles(names)
    _run(
        "bash",
        str(ROLES),
        env=env
        | {
            "POSTGRES_USER": env["PGUSER"],
            "POSTGRES_DB": env["PGDATABASE"],
            "APP_DB_ROLE": names[0],
            "PLATFORM_DB_ROLE": names[1],
            "APP_DB_PASSWORD": "app-secret",
            "PLATFORM_DB_PASSWORD": "platform-secret",
        },
    )
    yield names
    _drop_roles(names)


def _drop_roles(names) -> None:
    connection.close()  # the test's connection holds nothing those roles own
    env = _source_env()
    conninfo = (
        f"host={env['PGHOST']} port={env['PGPORT']} user={env['PGUSER']} dbname={env['PGDATABASE']}"
    )
    with psycopg.connect(conninfo, autocommit=True) as admin:
        for name in names:
            if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
                quoted = psycopg.sql.Identifier(name)
                admin.execute(psycopg.sql.SQL("DROP OWNED BY {}").format(quoted))
                admin.execute(psycopg.sql.SQL("DROP ROLE {}").format(quoted))


@pytest.fixture
def two_accounts_with_files():
    """Two accounts, each with a public ticket, an internal note and an attachment."""
    made = {}
    for subdomain in ("drillnorth", "drillsouth"):
        account = AccountFactory(subdomain=subdomain)
        with account_context(account):
            agent = AgentFactory(account=account)
            user = EndUserFactory(account=account)
            ticket = make_ticket(account=account, submitter=agent, requester=user)
            comment_add(ticket=ticket, author=agent, body=f"internal {subdomain}", public=False)
            comment = comment_add(
                ticket=ticket,
                author=agent,
                body="files",
                uploads=[upload("notes.txt", f"{subdomain} notes\n".encode())],
            )
            made[subdomain] = (account, ticket, comment.attachments.get())
    return made


def test_a_backup_restores_into_a_fresh_cluster_with_isolation_intact(
    production_roles, two_accounts_with_files, tmp_path
):
    app_role, platform_role = production_roles
    backup_dir = tmp_path / "backup"
    _run("bash", str(BACKUP), str(backup_dir), str(settings.MEDIA_ROOT), env=_source_env())
    assert {p.name for p in backup_dir.iterdir()} == {"roles.sql", "database.dump", "media.tar.gz"}

    restored_media = tmp_path / "restored-media"
    with fresh_cluster() as cluster:
        # pytest-django's test database for DATABASE_URL …/drill is test_drill.
        _run(
            "bash",
            str(RESTORE),
            str(backup_dir),
            str(restored_media),
            env=cluster.env("test_drill"),
        )

        _assert_policies_survived(cluster.url("test_drill"))
        _assert_app_login_sees_one_account(
            cluster.url("test_drill", app_role), two_accounts_with_files
        )
        _assert_platform_login_sees_both(cluster.url("test_drill", platform_role))
        for _account, _ticket, attachment in two_accounts_with_files.values():
            restored = restored_media / attachment.file.name
            assert restored.read_bytes() == Path(attachment.file.path).read_bytes()

        # The security tests make accounts of their own and count every account's rows:
        # they run on the restored schema, functions and roles with its rows emptied.
        with psycopg.connect(cluster.url("test_drill"), autocommit=True) as conn:
            conn.execute("TRUNCATE accounts_account CASCADE")
        _assert_security_tests_pass(cluster.url("drill"), tmp_path / "security.xml")


def _assert_policies_survived(url: str) -> None:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r' "
            "AND relrowsecurity AND relforcerowsecurity "
            "AND EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = relname)",
            [list(policy_tables())],
        ).fetchall()
    assert {r[0] for r in rows} == set(policy_tables())


def _assert_app_login_sees_one_account(url: str, made) -> None:
    north, north_ticket, _ = made["drillnorth"]
    south, _, _ = made["drillsouth"]
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0] == 0
        # The host's account is found before any is set, as the middleware does.
        found = conn.execute("SELECT id FROM account_by_subdomain('drillnorth')").fetchone()
        assert found == (north.pk,)
        conn.execute("SELECT set_config('app.account_id', %s, false)", [str(north.pk)])
        tickets = conn.execute("SELECT account_id, number FROM tickets_ticket").fetchall()
        assert tickets == [(north.pk, north_ticket.number)]
        bodies = [r[0] for r in conn.execute("SELECT body FROM tickets_comment").fetchall()]
        assert "internal drillnorth" in bodies and "internal drillsouth" not in bodies
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE tickets_ticket SET account_id = %s WHERE account_id = %s",
                [south.pk, north.pk],
            )


def _assert_platform_login_sees_both(url: str) -> None:
    with psycopg.connect(url) as conn:
        count = conn.execute("SELECT count(DISTINCT account_id) FROM tickets_ticket").fetchone()[0]
    assert count == 2


def _assert_security_tests_pass(url: str, report: Path) -> None:
    env = os.environ | {"DATABASE_URL": url, "CI": os.environ.get("CI", "")}
    done = subprocess.run(  # noqa: S603 - pytest on our own tests
        [
            sys.executable,
            "-m",
            "pytest",
            "--reuse-db",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            *CRAWLER_ON_RESTORE,
            *(path for path in SECURITY_TESTS if path != CRAWLER),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    # Every file ran, and nothing in it was skipped (a skip would pass unseen).
    ran: dict[str, int] = {}
    for case in ElementTree.parse(report).iter("testcase"):
        assert case.find("skipped") is None, case.get("name")
        module = case.get("classname", "").replace(".", "/") + ".py"
        ran[module] = ran.get(module, 0) + 1
    assert set(ran) == set(SECURITY_TESTS), ran
