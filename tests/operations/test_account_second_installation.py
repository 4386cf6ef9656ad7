"""The round trip between two installations: an account exported here, imported into a
second database (created and migrated for the test, with media of its own) by
``manage.py account_import`` in a process of its own, then compared table by table."""

from __future__ import annotations

import io
import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from accounts.dbsession import account_context
from macros.models import MacroAttachment
from tests.commands import manage
from tests.operations.account_data import fill_account, snapshot
from tickets.models import Attachment

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="two databases")


def _conninfo(dbname: str) -> str:
    s = connection.settings_dict
    return (
        f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} "
        f"user={s['USER'] or 'postgres'} dbname={dbname}"
        + (f" password={s['PASSWORD']}" if s["PASSWORD"] else "")
    )


@pytest.fixture
def second_database():
    """A second installation's database, migrated by its own manage.py, dropped after."""
    s = connection.settings_dict
    name = f"{s['NAME']}_second"[:63]
    quoted = psycopg.sql.Identifier(name)
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quoted))
        admin.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(quoted))
    url = (
        f"postgres://{s['USER'] or 'postgres'}:{s['PASSWORD'] or ''}@"
        f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    )
    yield name, url
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quoted))


def test_an_account_moves_to_another_installation_table_by_table(
    acme, globex, second_database, tmp_path
):
    for account in (acme, globex):
        with account_context(account):
            fill_account(account)
    archive = tmp_path / "acme.tar.gz"
    call_command(
        "account_export",
        "acme",
        "--output",
        str(archive),
        "--with-passwords",
        stdout=io.StringIO(),
    )

    name, url = second_database
    media = tmp_path / "second-media"
    env = os.environ | {"DATABASE_URL": url, "DATABASE_PLATFORM_URL": "", "MEDIA_ROOT": str(media)}
    migrated = manage("migrate", "--no-input", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    for _run in range(2):  # the second run finds everything loaded and changes nothing
        done = manage("account_import", str(archive), "--subdomain", "acme", env=env)
        assert done.returncode == 0, done.stderr
    assert "nothing left to load" in done.stdout

    with psycopg.connect(_conninfo(name)) as there, connection.cursor() as here:
        [(moved_id,)] = there.execute(
            "SELECT id FROM accounts_account WHERE subdomain = 'acme'"
        ).fetchall()
        assert there.execute("SELECT count(*) FROM accounts_account").fetchone() == (1,)
        theirs = snapshot(there.cursor(), moved_id)
        ours = snapshot(here, acme.pk)
        [stored] = there.execute("SELECT file FROM tickets_attachment").fetchone()
        [macro_stored] = there.execute("SELECT file FROM macros_macroattachment").fetchone()
    assert theirs == ours
    with account_context(acme):
        [attachment] = Attachment.objects.for_account(acme)
        [macro_file] = MacroAttachment.objects.for_account(acme)
    assert (media / stored).read_bytes() == attachment.file.read()
    assert (media / macro_stored).read_bytes() == macro_file.file.read() == b"acme refund\n"
