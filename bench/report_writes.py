"""The SLA rollup's write cost per ticket change (issue 26: reports.sla_rollup).

Three changes that move an SLA target, each made through the services as an agent does
and committed (the reports' refresh runs after commit, and is counted): a public reply
(the first reply fulfilled), a group change (the ticket's targets move to the new
group's rows) and solved (the resolution fulfilled). Each round makes them on two fresh
tickets, one with the SLA rollup as it is and one without it (its receivers
disconnected and the refresh's ``sla_rollup.moved`` answering nothing), in alternating
order; per change the statements (CaptureQueriesContext) and the wall time, median of
the rounds. The difference is what the SLA rollup adds to a change.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_<you> \\
      .venv/bin/python -m bench.report_writes [--rounds 15] [--subdomain bench]

Writes (it changes tickets): never run it on the shared sportello_bench. Needs an account
loaded by ``manage.py seed_load`` (its SLA targets included) and its rollups counted
(``manage.py rebuild_reports``): a few thousand tickets will do (``--tickets 3000``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

CHANGES = ("reply", "group", "solve")
# Statements; wall ms; this process's CPU ms (Python's side, less load-bound than the
# wall); the statements' own wall ms as Django times them (the database's side).
UNITS = ("queries", "ms", "cpu ms", "db ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--subdomain", default="bench")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url or url.rstrip("/").endswith("/sportello_bench"):
        parser.error("set BENCH_DATABASE_URL to a database of your own (this bench writes)")
    from bench.run import _environment

    os.environ.update(_environment(url))
    import django

    django.setup()
    from django.conf import settings

    # The notifications' tasks run nowhere: their cost is not the rollup's.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    results = _measure(args.subdomain, args.rounds)
    _print(results, args.rounds)
    return 0


@contextmanager
def _without_sla_rollup() -> Iterator[None]:
    """The SLA rollup switched off: reports.apps' three receivers disconnected and the
    refresh's move of a ticket's targets answering nothing (no query, no upsert)."""
    from unittest import mock

    from reports import sla_rollup
    from servicelevels.events import sla_targets_stored, sla_targets_untracking
    from tickets.events import tickets_deleting

    signals = (
        (sla_targets_stored, sla_rollup.on_targets_stored, "reports.sla_targets_stored"),
        (
            sla_targets_untracking,
            sla_rollup.on_targets_untracking,
            "reports.sla_targets_untracking",
        ),
        (tickets_deleting, sla_rollup.on_tickets_deleting, "reports.sla_deleting"),
    )
    for signal, receiver, uid in signals:
        assert signal.disconnect(receiver, dispatch_uid=uid), uid
    try:
        with mock.patch.object(sla_rollup, "moved", lambda account, moves: {}):
            yield
    finally:
        for signal, receiver, uid in signals:
            signal.connect(receiver, dispatch_uid=uid)


def _measure(subdomain: str, rounds: int) -> dict[str, dict[str, list[float]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.dbsession import account_context
    from accounts.models import Account, AgentGroup, User
    from servicelevels.models import SlaTarget
    from tickets.models import Ticket
    from tickets.services import comment_add, ticket_create, ticket_update

    account = Account.objects.get(subdomain=subdomain)
    results: dict[str, dict[str, list[float]]] = {
        mode: {f"{change} {unit}": [] for change in CHANGES for unit in UNITS}
        for mode in ("with", "without")
    }
    with account_context(account):
        agent = User.objects.for_account(account).get(email=f"admin@{subdomain}.example")
        requester = User.objects.for_account(account).get(email="heavy@customers.example")
        groups = list(AgentGroup.objects.for_account(account).order_by("pk")[:2])
        # Fresh tickets with a priority (so the bench's policy gives them targets, their
        # first reply's and resolution's running) in the first group, opened by the
        # agent for the requester, not measured.
        ids = [
            ticket_create(
                account=account,
                submitter=agent,
                requester=requester,
                subject=f"report_writes {n}",
                body="The printer is on fire.",
                priority="normal",
                group=groups[0],
            ).pk
            for n in range(2 * (rounds + 1))
        ]
        running = SlaTarget.objects.for_account(account).filter(
            ticket_id__in=ids, target_minutes__isnull=False, fulfilled_at__isnull=True
        )
        if running.values("ticket_id").distinct().count() < len(ids):
            raise SystemExit("the tickets have no running SLA target: load the bench's policy")

        def changes(ticket: Ticket) -> list[tuple[str, Callable[[], Any]]]:
            other = groups[1] if ticket.group_id == groups[0].pk else groups[0]
            return [
                ("reply", lambda: comment_add(ticket=ticket, author=agent, body="On it.")),
                ("group", lambda: ticket_update(ticket=ticket, actor=agent, group=other)),
                ("solve", lambda: ticket_update(ticket=ticket, actor=agent, status="solved")),
            ]

        def run(pk: int, mode: str | None) -> None:
            ticket = Ticket.objects.for_account(account).get(pk=pk)
            for change, call in changes(ticket):
                # Each change committed (autocommit: the service's own transaction), its
                # after-commit refresh inside the measurement.
                assert not connection.in_atomic_block
                with CaptureQueriesContext(connection) as ctx:
                    started, cpu = time.perf_counter(), time.process_time()
                    call()
                    elapsed = (time.perf_counter() - started) * 1000
                    cpu = (time.process_time() - cpu) * 1000
                ticket.refresh_from_db()
                if mode is not None:
                    found = results[mode]
                    found[f"{change} queries"].append(len(ctx.captured_queries))
                    found[f"{change} ms"].append(elapsed)
                    found[f"{change} cpu ms"].append(cpu)
                    db = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
                    found[f"{change} db ms"].append(db)

        run(ids.pop(), None)  # warm: caches, compiled reads
        with _without_sla_rollup():
            run(ids.pop(), None)
        for n in range(rounds):
            order = ("with", "without") if n % 2 == 0 else ("without", "with")
            for mode in order:
                if mode == "with":
                    run(ids.pop(), mode)
                else:
                    with _without_sla_rollup():
                        run(ids.pop(), mode)
    return results


def _print(results: dict[str, dict[str, list[float]]], rounds: int) -> None:
    print(f"{rounds} rounds, median per change (with / without the SLA rollup, added)")
    for change in CHANGES:
        line = [f"{change:6}"]
        for unit in UNITS:
            with_, without = (
                statistics.median(results[mode][f"{change} {unit}"]) for mode in ("with", "without")
            )
            line.append(f"{unit} {with_:.1f} / {without:.1f} ({with_ - without:+.1f})")
        print("  ".join(line))


if __name__ == "__main__":
    raise SystemExit(main())
