"""``rebuild_reports`` as set-based SQL: each account's rollups (ReportDay and
the coarse ReportAgentDay, ReportGroupDay, ReportOrganizationAgentDay and
ReportOrganizationDay summed from it; ReportTagAgentDay per tag, ReportTagDay from it;
the SLA rollup, ReportSlaDay, from the SLA rows: reports.sla_rollup) and what each
ticket counted (ReportTicket) computed again inside PostgreSQL, in a few statements,
from the tickets, their comments and their status changes.

It says in SQL what reports.metrics.contributions says in Python, one definition per
measure (see that module's docstring); the property test in tests/reports/test_rollups.py
holds the two equal over random histories, so a change to one without the other fails.
The Python pass it replaces read every ticket's history into the process and did not
finish in 38 minutes on a million tickets.

How each part maps:
- the opening comment is the ticket's first comment by (created_at, id); the agent
  replies are the later public comments by an agent or admin;
- the first reply is the earliest agent reply (unless an agent opened the ticket);
- the last solve is the latest status change into Solved/Closed from an unsolved status,
  else the ticket's ``solved_at``, else its creation;
- the backlog by status: +1 into the category the first status change left at the
  creation, then -1/+1 per change; a ticket with no change, +1 into its status (or, solved,
  open from its creation to its ``solved_at``);
- every count lands on the local day (the account's time zone) of its moment, under the
  ticket's current group, assignee, channel, priority, type and organization.
"""

from __future__ import annotations

from django.db import connection, transaction

from accounts.dbsession import account_context
from accounts.models import Account
from reports.metrics import BUCKET_EDGES, MEASURES, UNSOLVED_CATEGORIES
from reports.models import ReportTicket, Rollup
from reports.sla_rollup import SLA_TABLES, SQL_REBUILD, SQL_REBUILD_GROUPS

_SOLVED = "('solved', 'closed')"
_AGENT = "('agent', 'admin')"
_UNSOLVED = "(" + ", ".join(f"'{c}'" for c in UNSOLVED_CATEGORIES) + ")"
_EDGES = "ARRAY[" + ", ".join(str(edge) for edge in BUCKET_EDGES) + "]::bigint[]"


def _seconds(later: str, earlier: str) -> str:
    """Whole seconds between two moments, never negative (metrics: max(0, int(...)))."""
    span = f"extract(epoch FROM {later}) - extract(epoch FROM {earlier})"
    return f"GREATEST(0, trunc({span}))::bigint"


def _bucket(seconds: str) -> str:
    """metrics.bucket: the number of edges below the time (times are whole seconds)."""
    return f"width_bucket({seconds} - 1, {_EDGES})"


# One row per (ticket, moment, measure, amount), then summed per ticket, local day and
# measure into a temporary table both inserts read.
_CONTRIBUTIONS = f"""
CREATE TEMPORARY TABLE report_rebuild ON COMMIT DROP AS
WITH
tk AS (
    SELECT t.id, t.created_at, t.status, t.solved_at, t.satisfaction_rating,
           t.satisfaction_at, COALESCE(u.role IN {_AGENT}, false) AS by_agent
    FROM tickets_ticket t LEFT JOIN accounts_user u ON u.id = t.submitter_id
    WHERE t.account_id = %(account)s
),
cm AS (
    SELECT c.ticket_id, c.created_at,
           c.public AND COALESCE(u.role IN {_AGENT}, false) AS agent_public,
           row_number() OVER (PARTITION BY c.ticket_id ORDER BY c.created_at, c.id) AS n
    FROM tickets_comment c LEFT JOIN accounts_user u ON u.id = c.author_id
    WHERE c.account_id = %(account)s
),
reply AS (SELECT ticket_id, created_at FROM cm WHERE n > 1 AND agent_public),
replies AS (
    SELECT ticket_id, min(created_at) AS first_at, count(*) AS total
    FROM reply GROUP BY ticket_id
),
change AS (
    SELECT ticket_id, created_at, old_value, new_value,
           COALESCE(old_value IN {_SOLVED}, false) AS was_solved,
           COALESCE(new_value IN {_SOLVED}, false) AS now_solved,
           row_number() OVER (PARTITION BY ticket_id ORDER BY created_at, id) AS n
    FROM tickets_ticketevent
    WHERE account_id = %(account)s AND kind = 'change' AND field = 'status'
),
first_change AS (SELECT ticket_id, old_value FROM change WHERE n = 1),
unchanged AS (
    SELECT tk.* FROM tk LEFT JOIN first_change fc ON fc.ticket_id = tk.id
    WHERE fc.ticket_id IS NULL
),
last_solve AS (
    SELECT ticket_id, max(created_at) AS at FROM change
    WHERE now_solved AND NOT was_solved GROUP BY ticket_id
),
solve AS (
    SELECT tk.id AS ticket_id, tk.created_at,
           COALESCE(ls.at, tk.solved_at, tk.created_at) AS at,
           COALESCE(r.total, 0) AS replies
    FROM tk LEFT JOIN last_solve ls ON ls.ticket_id = tk.id
            LEFT JOIN replies r ON r.ticket_id = tk.id
    WHERE tk.status IN {_SOLVED}
),
first_reply AS (
    SELECT r.ticket_id, r.first_at AS at, {_seconds("r.first_at", "tk.created_at")} AS seconds
    FROM replies r JOIN tk ON tk.id = r.ticket_id
    WHERE NOT tk.by_agent
),
resolution AS (
    SELECT ticket_id, at, replies, {_seconds("at", "created_at")} AS seconds FROM solve
),
contribution (ticket_id, at, measure, amount) AS (
    SELECT id, created_at, 'created', 1::bigint FROM tk
    UNION ALL SELECT ticket_id, created_at, 'replies', 1 FROM reply
    UNION ALL SELECT ticket_id, created_at, 'reopened', 1 FROM change
        WHERE was_solved AND NOT now_solved
    UNION ALL SELECT f.ticket_id, f.at, x.measure, x.amount FROM first_reply f
        CROSS JOIN LATERAL (VALUES
            ('frt_count', 1::bigint),
            ('frt_seconds', f.seconds),
            ('frt_' || {_bucket("f.seconds")}, 1)
        ) AS x (measure, amount)
    UNION ALL SELECT s.ticket_id, s.at, x.measure, x.amount FROM resolution s
        CROSS JOIN LATERAL (VALUES
            ('solved', 1::bigint),
            ('res_seconds', s.seconds),
            ('res_' || {_bucket("s.seconds")}, 1),
            ('solved_replies', s.replies)
        ) AS x (measure, amount)
        WHERE x.measure <> 'solved_replies' OR s.replies > 0
    UNION ALL SELECT id, satisfaction_at, 'csat_' || satisfaction_rating, 1 FROM tk
        WHERE satisfaction_rating IN ('good', 'bad') AND satisfaction_at IS NOT NULL
    UNION ALL SELECT fc.ticket_id, tk.created_at, 'unsolved_' || fc.old_value, 1
        FROM first_change fc JOIN tk ON tk.id = fc.ticket_id
        WHERE fc.old_value IN {_UNSOLVED}
    UNION ALL SELECT ticket_id, created_at, 'unsolved_' || old_value, -1 FROM change
        WHERE old_value IN {_UNSOLVED}
    UNION ALL SELECT ticket_id, created_at, 'unsolved_' || new_value, 1 FROM change
        WHERE new_value IN {_UNSOLVED}
    UNION ALL SELECT id, created_at, 'unsolved_' || status, 1 FROM unchanged
        WHERE status IN {_UNSOLVED}
    UNION ALL SELECT u.id, x.at, 'unsolved_open', x.amount FROM unchanged u
        CROSS JOIN LATERAL (VALUES (u.created_at, 1::bigint), (u.solved_at, -1)) AS x (at, amount)
        WHERE u.status IN {_SOLVED} AND u.solved_at > u.created_at
)
SELECT ticket_id, (at AT TIME ZONE %(zone)s)::date AS day, measure, sum(amount) AS amount
FROM contribution GROUP BY 1, 2, 3
-- A status left on the day it was entered sums to nothing (metrics drops it too).
HAVING sum(amount) <> 0
"""  # noqa: S608 - built from this module's constants only; values are parameters

# The dimensions in metrics.Dims' order, each with its rollup column.
_DIMS = (
    ("COALESCE(t.group_id, 0)", "group_pk"),
    ("COALESCE(t.assignee_id, 0)", "agent_pk"),
    ("COALESCE(t.channel, '')", "channel"),
    ("COALESCE(t.priority, '')", "priority"),
    ("COALESCE(t.type, '')", "type"),
    ("COALESCE(t.organization_id, 0)", "organization_pk"),
)
_SUMS = ", ".join(f"COALESCE(sum(x.amount) FILTER (WHERE x.measure = '{m}'), 0)" for m in MEASURES)


# A ticket's tags, each once (a row per tag: reports.models.ReportTagAgentDay).
_TAG_WORDS = (
    "(SELECT DISTINCT u.w FROM unnest(string_to_array(t.tags, ' ')) AS u (w) WHERE u.w <> '')"
)
# ReportTicket.counted's "tags": sorted as Python sorts (code points: COLLATE "C").
_TAG_LIST = f"""COALESCE((SELECT jsonb_agg(g.w ORDER BY g.w COLLATE "C")
    FROM {_TAG_WORDS} AS g (w)), '[]'::jsonb)"""  # noqa: S608 - constants only


# A ticket's drop-down values: (field number, value) of each drop-down field it holds
# (reports.services.values_of; a drop-down's stored value is a string).
_VALUES = """(SELECT f.key::bigint AS n, f.value #>> '{}' AS v FROM jsonb_each(t.custom_fields) f
    WHERE jsonb_typeof(f.value) = 'string' AND f.key IN (
        SELECT tf.number::text FROM customfields_ticketfield tf
        WHERE tf.account_id = %(account)s AND tf.kind = 'tagger'))"""
# ReportTicket.counted's "fields": [[number, value], ...] in that order.
_VALUE_LIST = f"""COALESCE((SELECT jsonb_agg(jsonb_build_array(fv.n, fv.v)
    ORDER BY fv.n, fv.v COLLATE "C") FROM {_VALUES} AS fv), '[]'::jsonb)"""  # noqa: S608


def _from_contributions(
    table: str, columns: tuple[str, ...], *, tagged: bool = False, valued: bool = False
) -> str:
    """Insert into ``table`` the contributions summed per day and ``columns`` (of
    _DIMS; ``tagged``: and per tag, each ticket's counts under every tag it carries;
    ``valued``: likewise per drop-down value): per day, dimensions and measure first
    (few rows), then turned into columns."""
    dims = [(expr, column) for expr, column in _DIMS if column in columns]
    if tagged:
        dims.insert(0, ("g.w", "tag"))
    if valued:
        dims[:0] = [("fv.n", "field_number"), ("fv.v", "value")]
    keys = ", ".join(column for _expr, column in dims)
    picked = ", ".join(f"{expr} AS {column}" for expr, column in dims)
    groups = ", ".join(str(n) for n in range(1, len(dims) + 3))
    return f"""
INSERT INTO {table} (account_id, day, {keys}, {", ".join(MEASURES)})
SELECT %(account)s, x.day, {", ".join(f"x.{column}" for _e, column in dims)}, {_SUMS}
FROM (
    SELECT x.day, {picked}, x.measure, sum(x.amount) AS amount
    FROM report_rebuild x JOIN tickets_ticket t ON t.id = x.ticket_id
    {f"CROSS JOIN LATERAL {_TAG_WORDS} AS g (w)" if tagged else ""}
    {f"CROSS JOIN LATERAL {_VALUES} AS fv" if valued else ""}
    WHERE t.account_id = %(account)s
    GROUP BY {groups}
) x
GROUP BY x.day, {", ".join(f"x.{column}" for _e, column in dims)}
"""  # noqa: S608 - constants only


def _summed(table: str, source: str, columns: tuple[str, ...], *, monthly: bool = False) -> str:
    """Insert into the coarse ``table`` the rows of ``source`` (just written) summed per
    day (``monthly``: per month, on its first day) and ``columns`` (a month's row may sum
    to zeros: it counts nothing, as a row the incremental path brought back to zero)."""
    day = "date_trunc('month', day)::date" if monthly else "day"
    keys = ", ".join((day, *columns))
    return f"""
INSERT INTO {table} (account_id, day, {", ".join(columns)}, {", ".join(MEASURES)})
SELECT %(account)s, {keys}, {", ".join(f"sum({m})" for m in MEASURES)}
FROM {source} WHERE account_id = %(account)s
GROUP BY {keys}
"""  # noqa: S608 - constants only


# Each attribute's table name part and column (reports 0010).
_ATTRIBUTES = (("channel", "channel"), ("priority", "priority"), ("type", "type"))
_INSERTS = (
    _from_contributions("reports_reportday", tuple(column for _expr, column in _DIMS)),
    _summed("reports_reportagentday", "reports_reportday", ("group_pk", "agent_pk")),
    _summed("reports_reportgroupday", "reports_reportagentday", ("group_pk",)),
    _summed(
        "reports_reportorganizationagentday",
        "reports_reportday",
        ("organization_pk", "group_pk", "agent_pk"),
    ),
    _summed(
        "reports_reportorganizationday", "reports_reportorganizationagentday", ("organization_pk",)
    ),
    _from_contributions("reports_reporttagagentday", ("group_pk", "agent_pk"), tagged=True),
    _summed("reports_reporttagday", "reports_reporttagagentday", ("tag", "group_pk")),
    _from_contributions("reports_reportfieldvalueagentday", ("group_pk", "agent_pk"), valued=True),
    _summed(
        "reports_reportfieldvalueday",
        "reports_reportfieldvalueagentday",
        ("field_number", "value", "group_pk"),
    ),
    _summed(
        "reports_reportattributeday",
        "reports_reportday",
        ("group_pk", "channel", "priority", "type"),
    ),
    _summed(
        "reports_reportattributemonth",
        "reports_reportattributeday",
        ("group_pk", "channel", "priority", "type"),
        monthly=True,
    ),
    # The agent's side of one attribute, per day and per month, and the agents' months
    # (reports 0010).
    *(
        _summed(f"reports_report{name}agentday", "reports_reportday", ("group_pk", "agent_pk", a))
        for name, a in _ATTRIBUTES
    ),
    *(
        _summed(
            f"reports_report{name}agentmonth",
            f"reports_report{name}agentday",
            ("group_pk", "agent_pk", a),
            monthly=True,
        )
        for name, a in _ATTRIBUTES
    ),
    _summed(
        "reports_reportagentmonth", "reports_reportagentday", ("group_pk", "agent_pk"), monthly=True
    ),
)
# ReportTicket.counted's shape: {"dims": [...], "days": {"YYYY-MM-DD": {measure: n}}}.
_TICKETS = f"""
INSERT INTO reports_reportticket (account_id, ticket_id, counted)
SELECT %(account)s, d.ticket_id, jsonb_build_object(
    'dims', jsonb_build_array({", ".join(expr for expr, _column in _DIMS)}),
    'tags', {_TAG_LIST},
    'fields', {_VALUE_LIST},
    'days', jsonb_object_agg(d.day::text, d.counts))
FROM (
    SELECT ticket_id, day, jsonb_object_agg(measure, amount) AS counts
    FROM report_rebuild GROUP BY ticket_id, day
) d JOIN tickets_ticket t ON t.id = d.ticket_id
WHERE t.account_id = %(account)s
GROUP BY d.ticket_id, t.group_id, t.assignee_id, t.channel, t.priority, t.type,
         t.organization_id, t.tags, t.custom_fields
"""  # noqa: S608 - constants only


# The rollups reports 0005 knew (it rebuilds with ``later=False`` before 0006 and later
# create the others, which fill themselves from ReportTicket and ReportDay): history, so
# a rollup added since is never one of them.
_FIRST = (
    "reports_reportday",
    "reports_reportagentday",
    "reports_reportgroupday",
    "reports_reportorganizationagentday",
    "reports_reportorganizationday",
    "reports_reportticket",
)


def rollup_models() -> list[type[Rollup]]:
    """Every rollup table: reports.models.Rollup's concrete subclasses, at any depth."""
    models, found = [], list(Rollup.__subclasses__())
    while found:
        model = found.pop(0)
        found += model.__subclasses__()
        if not model._meta.abstract:
            models.append(model)
    return models


def _tables(*, later: bool) -> tuple[list[str], set[str]]:
    """The tables a rebuild empties (every rollup, so a new one cannot be left out, and
    ReportTicket), and those it leaves alone: none, or when not ``later`` the ones
    reports 0005 did not know."""
    tables = [model._meta.db_table for model in rollup_models()] + [ReportTicket._meta.db_table]
    skipped = set() if later else set(tables) - set(_FIRST)
    return [table for table in tables if table not in skipped], skipped


def account_rebuild(*, account: Account, later: bool = True) -> int:
    """Throw the account's rollups away and count every ticket again from its history,
    in one transaction. Returns the number of tickets counted. ``later=False``: only the
    rollups reports 0005 knew (it runs this before 0006 to 0010 create theirs, which
    they fill from ReportTicket and ReportDay)."""
    params: dict[str, int | str] = {"account": account.pk, "zone": account.time_zone}
    with account_context(account), transaction.atomic(), connection.cursor() as cursor:
        # Sorts and hashes of millions of rows in memory rather than on disk (this
        # transaction only; a maintenance command, one at a time).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # A rebuild inside an outer transaction (tests) leaves its table to the next.
        cursor.execute("DROP TABLE IF EXISTS report_rebuild")
        tables, skipped = _tables(later=later)
        for table in tables:
            cursor.execute(f"DELETE FROM {table} WHERE account_id = %s", [account.pk])  # noqa: S608
        cursor.execute(_CONTRIBUTIONS, params)
        cursor.execute("ANALYZE report_rebuild")  # no autovacuum for temporary tables
        for insert in _INSERTS:
            if not any(f"INTO {table} " in insert for table in skipped):
                cursor.execute(insert, params)
        cursor.execute(_TICKETS, params)
        counted = cursor.rowcount
        if later:  # the SLA rollup (reports 0009) from the SLA rows and ReportTicket
            for table in SLA_TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE account_id = %s", [account.pk])  # noqa: S608
            cursor.execute(SQL_REBUILD, params)
            cursor.execute(SQL_REBUILD_GROUPS, params)
        return counted
