"""The account's tags with their counts (tickets.tag_models.TagCount), for
/api/v2/tags.json: an index scan of the page instead of unnesting every ticket's tags
(0.7-0.8 s on an account of 900,000 tickets).

Kept exact by triggers on tickets_ticket rather than by the services: tags are written
by ticket_update, bulk updates, macros, triggers and automations, merges, imports, and
outside the ORM (COPY in seed_load, deletes of a retention purge or of a whole account).
Inserts and deletes are counted per statement from their transition tables (a COPY of a
million tickets is one aggregate); an update per row, and only when its tags changed
(the WHEN clause, so the many updates that leave tags alone cost nothing). A count is the
number of tickets carrying the tag; a tag no ticket carries has no row. Rows are locked
in (account, tag) order, so two transactions changing the same tags wait for each other
rather than deadlock over them.

The triggers run as whoever changes the tickets, under row-level security like any
write: a ticket of the session's account changes that account's counts (or the
platform's connection, which bypasses it, any account's). ``session_replication_role =
replica`` skips them (bench/seed.py uses it for speed and recounts afterwards with
``tickets_tagcount_recount``).

Existing tickets are counted here, in one pass (the tickets' policy lifted for it, as
0016 does for the accounts'): a few seconds at a million tickets."""

import django.db.models.deletion
from django.db import migrations, models

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION tickets_tagcount_apply(accts bigint[], tags text[], deltas bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the rows to lower in a fixed order, then lower, then drop the emptied ones:
    -- each statement sees the counts as they are after the locks were had.
    PERFORM 1 FROM tickets_tagcount c
    JOIN unnest(accts, tags, deltas) AS d(account_id, tag, n)
      ON c.account_id = d.account_id AND c.tag = d.tag AND d.n < 0
    ORDER BY c.account_id, c.tag FOR UPDATE OF c;
    UPDATE tickets_tagcount c SET count = c.count + d.n
    FROM unnest(accts, tags, deltas) AS d(account_id, tag, n)
    WHERE d.n < 0 AND c.account_id = d.account_id AND c.tag = d.tag;
    DELETE FROM tickets_tagcount c
    USING unnest(accts, tags, deltas) AS d(account_id, tag, n)
    WHERE d.n < 0 AND c.account_id = d.account_id AND c.tag = d.tag AND c.count <= 0;
    INSERT INTO tickets_tagcount AS c (account_id, tag, count)
    SELECT d.account_id, d.tag, d.n FROM unnest(accts, tags, deltas) AS d(account_id, tag, n)
    WHERE d.n > 0 ORDER BY d.account_id, d.tag
    ON CONFLICT (account_id, tag) DO UPDATE SET count = c.count + EXCLUDED.count;
END $$;

CREATE OR REPLACE FUNCTION tickets_tagcount_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE v_a bigint[]; v_t text[]; v_n bigint[];
BEGIN
    SELECT array_agg(s.account_id), array_agg(s.tag), array_agg(s.n) INTO v_a, v_t, v_n FROM (
        SELECT r.account_id, x.tag, count(DISTINCT r.id) AS n
        FROM tagcount_new r, unnest(string_to_array(r.tags, ' ')) AS x(tag)
        WHERE r.tags <> '' AND x.tag <> '' GROUP BY r.account_id, x.tag
    ) s;
    IF v_a IS NOT NULL THEN PERFORM tickets_tagcount_apply(v_a, v_t, v_n); END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tickets_tagcount_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE v_a bigint[]; v_t text[]; v_n bigint[];
BEGIN
    SELECT array_agg(s.account_id), array_agg(s.tag), array_agg(s.n) INTO v_a, v_t, v_n FROM (
        SELECT r.account_id, x.tag, -count(DISTINCT r.id) AS n
        FROM tagcount_old r, unnest(string_to_array(r.tags, ' ')) AS x(tag)
        WHERE r.tags <> '' AND x.tag <> '' GROUP BY r.account_id, x.tag
    ) s;
    IF v_a IS NOT NULL THEN PERFORM tickets_tagcount_apply(v_a, v_t, v_n); END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tickets_tagcount_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE v_a bigint[]; v_t text[]; v_n bigint[];
BEGIN
    SELECT array_agg(s.account_id), array_agg(s.tag), array_agg(s.n) INTO v_a, v_t, v_n FROM (
        SELECT account_id, tag, sum(n)::bigint AS n FROM (
            SELECT DISTINCT OLD.account_id, x.tag, -1 AS n
            FROM unnest(string_to_array(OLD.tags, ' ')) AS x(tag) WHERE x.tag <> ''
            UNION ALL
            SELECT DISTINCT NEW.account_id, x.tag, 1
            FROM unnest(string_to_array(NEW.tags, ' ')) AS x(tag) WHERE x.tag <> ''
        ) d GROUP BY account_id, tag HAVING sum(n) <> 0
    ) s;
    IF v_a IS NOT NULL THEN PERFORM tickets_tagcount_apply(v_a, v_t, v_n); END IF;
    RETURN NULL;
END $$;

-- An account's counts from its tickets, from scratch (after a load that skipped the
-- triggers; and the equality the tests check).
CREATE OR REPLACE FUNCTION tickets_tagcount_recount(acct bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM tickets_tagcount WHERE account_id = acct;
    INSERT INTO tickets_tagcount (account_id, tag, count)
    SELECT acct, x.tag, count(DISTINCT r.id)
    FROM tickets_ticket r, unnest(string_to_array(r.tags, ' ')) AS x(tag)
    WHERE r.account_id = acct AND r.tags <> '' AND x.tag <> ''
    GROUP BY x.tag;
$$;

CREATE TRIGGER tickets_tagcount_ins AFTER INSERT ON tickets_ticket
    REFERENCING NEW TABLE AS tagcount_new
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_tagcount_inserted();
CREATE TRIGGER tickets_tagcount_del AFTER DELETE ON tickets_ticket
    REFERENCING OLD TABLE AS tagcount_old
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_tagcount_deleted();
CREATE TRIGGER tickets_tagcount_upd AFTER UPDATE ON tickets_ticket
    FOR EACH ROW WHEN (OLD.tags IS DISTINCT FROM NEW.tags OR OLD.account_id <> NEW.account_id)
    EXECUTE FUNCTION tickets_tagcount_updated();
"""

DROP = """
DROP TRIGGER IF EXISTS tickets_tagcount_ins ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_tagcount_del ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_tagcount_upd ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_tagcount_inserted();
DROP FUNCTION IF EXISTS tickets_tagcount_deleted();
DROP FUNCTION IF EXISTS tickets_tagcount_updated();
DROP FUNCTION IF EXISTS tickets_tagcount_recount(bigint);
DROP FUNCTION IF EXISTS tickets_tagcount_apply(bigint[], text[], bigint[]);
"""

BACKFILL = """
INSERT INTO tickets_tagcount (account_id, tag, count)
SELECT r.account_id, x.tag, count(DISTINCT r.id)
FROM tickets_ticket r, unnest(string_to_array(r.tags, ' ')) AS x(tag)
WHERE r.tags <> '' AND x.tag <> ''
GROUP BY r.account_id, x.tag
"""


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # SQLite (make run): tags.json counts from the tickets (api.tags)
    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS)
        # Every account's tickets, read as the owner: the policy is lifted for this pass.
        cursor.execute("ALTER TABLE tickets_ticket NO FORCE ROW LEVEL SECURITY")
        cursor.execute(BACKFILL)
        cursor.execute("ALTER TABLE tickets_ticket FORCE ROW LEVEL SECURITY")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0023_organization_memberships"),
        ("tickets", "0023_custom_statuses_unfilled"),
    ]

    operations = [
        migrations.CreateModel(
            name="TagCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tag", models.CharField(max_length=1000)),
                ("count", models.BigIntegerField()),
                (
                    "account",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.account",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        models.F("account"),
                        models.OrderBy(models.F("count"), descending=True),
                        models.F("tag"),
                        name="tagcount_acct_count_tag",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("account", "tag"), name="tagcount_acct_tag")
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
