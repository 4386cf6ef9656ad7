"""``account_by_subdomain(text)``: the one row of the account a host names.

The accounts table is under row-level security like every account's rows (accounts.rls:
a session sees only the account it works for), but a request's account is found from
its host *before* any account is set (TenantMiddleware; inbound email from its
recipient address). This SECURITY DEFINER function, run as its owner (the role that runs
migrations, which row-level security does not bind), returns that account's row and
nothing else: what the host already says exists, never a list of accounts. A fixed
search_path and a schema-qualified table, so nothing on the caller's path stands in.
PostgreSQL only; on SQLite (``make run``) accounts.selectors queries the table.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.account_by_subdomain(p_subdomain text)
RETURNS SETOF {schema}.accounts_account LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT * FROM {schema}.accounts_account WHERE subdomain = p_subdomain
$fn$;
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return schema_editor.connection.ops.quote_name(cursor.fetchone()[0])


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION.format(schema=_schema(schema_editor)), params=None)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema = _schema(schema_editor)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {schema}.account_by_subdomain(text)")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_group_and_organization_timestamps")]

    operations = [migrations.RunPython(create_function, drop_function, elidable=False)]
