"""Fixtures for the security tests.

The suite connects as the superuser ``postgres``, which bypasses row-level security.
``as_app_role`` switches the test's connection to a role that is neither superuser, nor
table owner, nor BYPASSRLS — as production's application role is — with ``SET ROLE``:
PostgreSQL applies policies by the current role, so this is what a separate login as
that role would see. The role and the switch live in the test's transaction and vanish
with its rollback.
"""

from __future__ import annotations

import pytest
from django.db import connection


def _role_name(suffix: str) -> str:
    # Roles are cluster-wide: one name per test database keeps parallel runs apart.
    return f"{connection.settings_dict['NAME']}_{suffix}"[:60]


def _create_role(name: str, *, bypass_rls: bool = False) -> None:
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE ROLE {quoted} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            f"{'BYPASSRLS' if bypass_rls else 'NOBYPASSRLS'}"
        )
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")


class AppRole:
    def __init__(self, name: str):
        self.name = name

    def activate(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(self.name)}")

    def deactivate(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.fixture
def app_role(db):
    """An application-like role (created, not yet active)."""
    name = _role_name("rls_app")
    _create_role(name)
    return AppRole(name)


@pytest.fixture
def as_app_role(app_role):
    """The rest of the test runs as the application role."""
    app_role.activate()
    yield app_role
    app_role.deactivate()


@pytest.fixture
def platform_role(app_role, settings):
    """A BYPASSRLS role standing in for the platform's own login (DATABASE_PLATFORM_URL)
    inside the test's transaction: ``platform_access`` switches to it with SET ROLE,
    which the suite's superuser session may do. The application role is not made a
    member of it: production's may switch to nothing (test_database_roles.py)."""
    name = _role_name("rls_platform")
    _create_role(name, bypass_rls=True)
    settings.DATABASE_PLATFORM_ROLE = name
    return name


def raw_rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def current_account_setting() -> str | None:
    return raw_rows("SELECT current_setting('app.account_id', true)")[0][0]
