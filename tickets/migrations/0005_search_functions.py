"""The full-text searches' road to the GIN indexes under row-level security.

Under a policy PostgreSQL checks the policy before any operator that is not LEAKPROOF,
and ``@@`` is not: as the application role a search could not use the GIN indexes of
0002/0004 and read every comment of the account (33 s for a rare word at a million
tickets). These functions run the one indexed match as their owner (the role that runs
migrations: superuser or BYPASSRLS, so no policy stands in the way), for one account, the
account the session is working for, and return ids only; the caller's query reads the
rows themselves, under the policy and the visibility rules (tickets.search, portal
.selectors). So no role switch and no lifted policy is needed for a search
(accounts.rls; README, "Security").

- ``search_ticket_ids(account, query)``: tickets of that account whose subject matches
  (the expression of the index ``ticket_subject_fts``);
- ``search_comment_ids(account, query)``: comments of that account whose stored vector
  matches (``comment_body_fts``);
- ``search_comment_estimate(account, query)``: the planner's estimate of the latter's
  rows (EXPLAIN, nothing is run), which tickets.search uses to choose its pass.

Each refuses (insufficient_privilege) an account other than ``app.account_id``: they
cross no account, they only reach an index. SECURITY DEFINER with a fixed search_path
and schema-qualified tables, so nothing on the caller's path can stand in for them.
PostgreSQL only; nothing on SQLite (``make run`` searches by substring).
"""

from django.db import migrations

NAMES = ("search_ticket_ids", "search_comment_ids", "search_comment_estimate")

GUARD = """
    IF p_account IS NULL
       OR p_account IS DISTINCT FROM NULLIF(current_setting('app.account_id', true), '')::bigint
    THEN
        RAISE EXCEPTION 'search of account % while working for account %',
            p_account, coalesce(current_setting('app.account_id', true), '')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION {schema}.search_ticket_ids(p_account bigint, p_query tsquery)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    {guard}
    -- EXECUTE: planned for these values, so a rare word goes to the index.
    RETURN QUERY EXECUTE
        'SELECT id FROM {schema}.tickets_ticket WHERE account_id = $1 '
        'AND to_tsvector(''simple''::regconfig, COALESCE(subject, '''')) @@ $2'
        USING p_account, p_query;
END
$fn$;

CREATE OR REPLACE FUNCTION {schema}.search_comment_ids(p_account bigint, p_query tsquery)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    {guard}
    RETURN QUERY EXECUTE
        'SELECT id FROM {schema}.tickets_comment WHERE account_id = $1 AND body_vector @@ $2'
        USING p_account, p_query;
END
$fn$;

CREATE OR REPLACE FUNCTION {schema}.search_comment_estimate(p_account bigint, p_query tsquery)
RETURNS double precision LANGUAGE plpgsql VOLATILE SECURITY DEFINER  -- EXPLAIN wants it
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    plan json;
BEGIN
    {guard}
    EXECUTE format(
        'EXPLAIN (FORMAT JSON) SELECT 1 FROM {schema}.tickets_comment '
        'WHERE account_id = %s AND body_vector @@ %L::tsquery',
        p_account, p_query::text
    ) INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$fn$;
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return schema_editor.connection.ops.quote_name(cursor.fetchone()[0])


def create_functions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    sql = FUNCTIONS.format(schema=_schema(schema_editor), guard=GUARD)
    schema_editor.execute(sql, params=None)  # no placeholders: "%" is plpgsql's own


def drop_functions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema = _schema(schema_editor)
    for name in NAMES:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {schema}.{name}(bigint, tsquery)")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_comment_body_vector")]

    operations = [migrations.RunPython(create_functions, drop_functions, elidable=False)]
