"""The database roles production runs with (deploy/postgres/10-app-roles.sh, run here
with names of this test database's own, as roles are cluster-wide): the application's
login is a member of no role that bypasses row-level security and cannot SET ROLE to
one; what crosses accounts on purpose reaches the database through the platform's own
login (DATABASE_PLATFORM_URL), never through the application's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.commands import manage
from tests.security.conftest import raw_rows

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy/postgres/10-app-roles.sh"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's roles"),
    pytest.mark.skipif(not shutil.which("psql"), reason="the script runs psql"),
]


def _conninfo(user: str | None = None) -> str:
    s = connection.settings_dict
    parts = {
        "dbname": s["NAME"],
        "user": user or s["USER"] or "postgres",
        "host": s["HOST"] or "127.0.0.1",
        "port": s["PORT"] or 5432,
    }
    if s["PASSWORD"] and not user:
        parts["password"] = s["PASSWORD"]
    return " ".join(f"{k}={v}" for k, v in parts.items())


def _url(user: str) -> str:
    s = connection.settings_dict
    return f"postgres://{user}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _drop_roles(names: list[str]) -> None:
    with psycopg.connect(_conninfo(), autocommit=True) as admin:
        # Sessions of these logins that a pooler keeps (`make test-pgbouncer`) would
        # outlive the roles and log the next ones of the same name in as the dropped ones.
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(%s)",
            [names],
        )
        for _ in range(100):
            sql = "SELECT count(*) FROM pg_stat_activity WHERE usename = ANY(%s)"
            if admin.execute(sql, [names]).fetchone()[0] == 0:
                break
            time.sleep(0.05)
        for name in names:
            if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
                quoted = psycopg.sql.Identifier(name)
                admin.execute(psycopg.sql.SQL("DROP OWNED BY {}").format(quoted))
                admin.execute(psycopg.sql.SQL("DROP ROLE {}").format(quoted))


@pytest.fixture
def script_roles(db):
    """The script's two roles, created by the script itself on this test database."""
    base = f"{connection.settings_dict['NAME']}"[:40]
    app, platform = f"{base}_script_app", f"{base}_script_platform"
    _drop_roles([app, platform])  # a run cut off before its clean-up
    s = connection.settings_dict
    env = os.environ | {
        "POSTGRES_USER": s["USER"] or "postgres",
        "POSTGRES_DB": s["NAME"],
        "PGHOST": s["HOST"] or "127.0.0.1",
        "PGPORT": str(s["PORT"] or 5432),
        "PGPASSWORD": s["PASSWORD"] or "",
        "APP_DB_ROLE": app,
        "PLATFORM_DB_ROLE": platform,
        "APP_DB_PASSWORD": "app-secret",
        "PLATFORM_DB_PASSWORD": "platform-secret",
    }
    done = subprocess.run(  # noqa: S603 - our own script
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    try:
        yield app, platform
    finally:
        _drop_roles([app, platform])


def test_the_app_role_is_a_member_of_no_role_that_bypasses_row_level_security(script_roles):
    app, platform = script_roles
    [(super_, bypass, login)] = raw_rows(
        "SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = %s", [app]
    )
    assert (super_, bypass, login) == (False, False, True)
    # The platform's own login is the one that bypasses (DATABASE_PLATFORM_URL)...
    assert raw_rows(
        "SELECT rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = %s", [platform]
    ) == [(True, True)]
    # ...and the application's is a member of none that does, directly or not.
    members_of = raw_rows(
        """
        SELECT r.rolname FROM pg_roles r
        WHERE (r.rolbypassrls OR r.rolsuper) AND pg_has_role(%s, r.oid, 'MEMBER')
        """,
        [app],
    )
    assert members_of == []
    assert raw_rows(
        "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
        "WHERE r.rolname = %s",
        [app],
    ) == [(0,)]


def test_the_app_login_cannot_switch_to_a_role_that_bypasses(script_roles):
    app, _platform = script_roles
    bypassing = [row[0] for row in raw_rows("SELECT rolname FROM pg_roles WHERE rolbypassrls")]
    assert bypassing, "the platform role at least"
    with psycopg.connect(_conninfo(app), autocommit=True) as login:
        assert login.execute("SELECT current_user").fetchone() == (app,)
        for role in bypassing:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                login.execute(psycopg.sql.SQL("SET ROLE {}").format(psycopg.sql.Identifier(role)))
        # Nor may it make itself (or anyone) bypass.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            login.execute(
                psycopg.sql.SQL("ALTER ROLE {} BYPASSRLS").format(psycopg.sql.Identifier(app))
            )


PROBE = """
import json
from django.db import connection
from accounts import dbsession
from accounts.models import Account, User
from accounts.services import account_create

with dbsession.platform_access():  # what a run cut off mid-way left
    Account.objects.filter(subdomain__in=["rolesone", "rolestwo"]).delete()
first, _ = account_create(subdomain="rolesone", name="One", admin_email="a@one.example")
second, _ = account_create(subdomain="rolestwo", name="Two", admin_email="b@two.example")
seen = {}
with connection.cursor() as cursor:
    cursor.execute("SELECT current_user, count(*) FROM accounts_user")
    seen["app"] = cursor.fetchone()
    with dbsession.account_context(first):
        cursor.execute("SELECT count(*) FROM accounts_user")
        seen["app_for_one"] = cursor.fetchone()[0]
with dbsession.platform_access():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, count(*) FROM accounts_user")
        seen["platform"] = cursor.fetchone()
    seen["all_accounts"] = User.all_accounts.filter(
        account__subdomain__in=["rolesone", "rolestwo"]
    ).count()
    Account.objects.filter(pk__in=[first.pk, second.pk]).delete()
with connection.cursor() as cursor:
    cursor.execute("SELECT current_user")
    seen["after"] = cursor.fetchone()[0]
print(json.dumps(seen))
"""


def test_the_platform_road_is_a_connection_with_its_own_login(script_roles):
    """As production runs: the app's login for everything, the platform's login only
    inside ``platform_access`` (Model.all_accounts), on a connection of its own."""
    app, platform = script_roles
    env = os.environ | {
        "DATABASE_URL": _url(app),
        "DATABASE_PLATFORM_URL": _url(platform),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    done = manage("shell", "-c", PROBE, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["app"] == [app, 0]  # no account set: no user at all
    assert seen["app_for_one"] == 1  # its admin
    assert seen["platform"][0] == platform
    assert seen["all_accounts"] == 2
    assert seen["after"] == app
