"""Issue 20's measure: one scheduled pass over the bench database (every account's SLA
alerts, active automations, then the snoozed tickets' wake-ups), timed, with the plan of
each automation's query and of the SLA alerts' query: the rows it reads are the matching
ones, from an index.

    DATABASE_URL=postgres://…/sportello_bench_copy python -m bench.automation_pass [--json]

It writes (it closes the solved tickets the default automation finds, at most
AUTOMATIONS_BATCH per automation and account): run it on a copy, or accept the drift.
``make bench`` runs it as scenario 10, after the HTTP and delivery scenarios (``ONLY=10``
alone), as the application's role, and reports its time and the rows it touched."""

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
    from django.utils import timezone

    from accounts.dbsession import account_context
    from automations.models import Automation
    from automations.runs import automations_sweep, matching_tickets
    from servicelevels.alerts import sla_alerts_due

    plans = {}
    accounts = {}
    for automation in Automation.all_accounts.select_related("account").filter(active=True):
        accounts[automation.account.pk] = automation.account
        with account_context(automation.account):
            key = f"{automation.account.subdomain}: {automation.name}"
            plans[key] = _plan(matching_tickets(automation=automation))
    for account in accounts.values():
        with account_context(account):
            due = sla_alerts_due(account=account, now=timezone.now())
            plans[f"{account.subdomain}: SLA alerts due"] = _plan(due)
    started = time.perf_counter()
    reports = automations_sweep()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 1),
        "touched": sum(r.touched for r in reports.values()),
        "fired": {s: r.fired for s, r in reports.items()},
        "woken": {s: r.woken for s, r in reports.items()},
        "alerted": {s: r.alerted for s, r in reports.items()},
        "plans": plans,
        "index_served": all(not p["seq_scans"] and p["indexes"] for p in plans.values()),
    }


def scenario_row(env: dict, *, key: str = "10") -> dict:
    """``make bench``'s row for the pass: run in a process of its own with the servers'
    environment (the application's role, RLS binding, the platform's login for the sweep),
    the time in the p50/p99 columns, the rows it touched (automations' tickets, wake-ups,
    SLA alerts) in the status column, and whether every query was index-served."""
    import subprocess

    done = subprocess.run(  # noqa: S603 - our own module, our own interpreter
        [sys.executable, "-m", "bench.automation_pass", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    row: dict = {
        "key": key,
        "name": "Automation pass (all accounts)",
        "path": "(manage.py run_automations)",
        "rps": 0.0,
        "queries": None,
    }
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return row | {"p50_ms": float("nan"), "p99_ms": float("nan"), "status": "failed"}
    result = json.loads(done.stdout)
    ms = result["seconds"] * 1000
    served = "indexed" if result["index_served"] else "SEQ SCAN"
    return row | result | {"p50_ms": ms, "p99_ms": ms, "status": f"{result['touched']} {served}"}


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django

    django.setup()
    result = measure()
    print(json.dumps(result, indent=2) if "--json" in sys.argv else result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
