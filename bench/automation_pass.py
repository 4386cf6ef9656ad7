"""Issue 20's measure: one scheduled automation pass over the bench database (every
account's active automations, then the snoozed tickets' wake-ups), timed, with the plan of
each automation's query: the tickets it reads are the matching ones, from an index.

    DATABASE_URL=postgres://…/sportello_bench_copy python -m bench.automation_pass [--json]

It writes (it closes the solved tickets the default automation finds, at most
AUTOMATIONS_BATCH per automation and account): run it on a copy, or accept the drift.
``make bench ONLY=9`` runs it after the HTTP scenarios (never by default)."""

from __future__ import annotations

import json
import os
import sys
import time


def _plan(queryset) -> dict:
    """The candidate query's plan: the index it reads and the rows it returns."""
    from django.db import connection

    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    root = plan[0]["Plan"] if isinstance(plan, list) else json.loads(plan)[0]["Plan"]
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return {
        "indexes": sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
        "seq_scans": sorted({n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"}),
        "rows": root.get("Actual Rows"),
        "ms": round(plan[0].get("Execution Time", 0.0), 1) if isinstance(plan, list) else None,
    }


def measure() -> dict:
    from accounts.dbsession import account_context
    from automations.models import Automation
    from automations.runs import automations_sweep, matching_tickets

    plans = {}
    for automation in Automation.all_accounts.select_related("account").filter(active=True):
        with account_context(automation.account):
            key = f"{automation.account.subdomain}: {automation.name}"
            plans[key] = _plan(matching_tickets(automation=automation))
    started = time.perf_counter()
    reports = automations_sweep()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 1),
        "fired": {s: r.fired for s, r in reports.items()},
        "woken": {s: r.woken for s, r in reports.items()},
        "plans": plans,
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django

    django.setup()
    result = measure()
    print(json.dumps(result, indent=2) if "--json" in sys.argv else result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
