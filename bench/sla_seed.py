"""SLA state for the load generator (issue 26: the reports' SLA achievement table at 1M).

One policy per account, "Standard" (no conditions: every ticket), with a first reply
and a full resolution target per priority in calendar minutes (FIRST_REPLY_MINUTES,
RESOLUTION_MINUTES); what servicelevels.tracking would store for each ticket under it,
written with ``COPY``: one ``SlaTarget`` row per metric (clocks.METRICS; a metric with
no target has its clock and no target) and the ``TicketSla`` summary (the policy, the
earliest breach time of the targets still running). A ticket without a priority has no
target under the policy, and tracking stores nothing for it: neither does this.

The clocks are drawn, not replayed from the seeded comments (the bench measures the
reads, tests/servicelevels the rules): the first reply comes an exponential time after
creation (mean FIRST_REPLY_MEAN), or with the solve when that is earlier; resolution
is creation to the ticket's ``solved_at``; a new ticket has had no reply. So most
targets are achieved and some breached (~85% of the first replies, ~80% of the
resolutions), urgent ones most often. The waits, next reply and periodic update keep a
clock and no target, as under a policy that sets none. A random stream of its own, so
the tickets, comments and CCs are the ones the seed always wrote.

``sla_load`` gives the same rows to an account loaded before this existed (a copy of
the bench database), reading its tickets back: ``python -m bench.sla_seed``; the
reports' SLA rollup (reports 0009) counts them after ``manage.py rebuild_reports``.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from datetime import UTC, datetime

FIRST_REPLY_MINUTES = {"low": 24 * 60, "normal": 8 * 60, "high": 4 * 60, "urgent": 60}
RESOLUTION_MINUTES = {"low": 14 * 1440, "normal": 7 * 1440, "high": 5 * 1440, "urgent": 3 * 1440}
FIRST_REPLY_MEAN = 2 * 3600  # seconds
FIRST_REPLY, RESOLUTION = "first_reply_time", "resolution_time"
TARGET_COLUMNS = (
    "account_id, ticket_id, metric, stage, running_since, spans, fulfilled_at, policy_id, "
    "target_minutes, business_hours, breach_at, alerted"
)
SLA_COLUMNS = "account_id, ticket_id, policy_id, next_breach_at, updated_at"


def bench_policy(account):
    """The account's "Standard" policy (made once; the service numbers and cleans it)."""
    from servicelevels.models import SlaPolicy
    from servicelevels.policies import sla_policy_create

    found = SlaPolicy.objects.for_account(account).filter(title="Standard").first()
    if found:
        return found
    metrics = [
        {"priority": p, "metric": FIRST_REPLY, "target": m, "business_hours": False}
        for p, m in FIRST_REPLY_MINUTES.items()
    ] + [
        {"priority": p, "metric": RESOLUTION, "target": m, "business_hours": False}
        for p, m in RESOLUTION_MINUTES.items()
    ]
    return sla_policy_create(account=account, title="Standard", conditions={}, metrics=metrics)


def _ts(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


class SlaWriter:
    """Writes the SLA rows of tickets given as the loader's specs: ``id``, ``created``,
    ``status``, ``priority`` and ``solved_at`` (epoch seconds or None)."""

    def __init__(self, *, seed: int = 1, now: float | None = None):
        self.rng = random.Random(seed + 26)  # noqa: S311 - benchmark data, not secrets
        self.now = time.time() if now is None else now
        self.written = 0

    def write(self, pg, account_id: int, policy_id: int, specs: Iterable[dict]) -> None:
        from servicelevels.clocks import METRICS

        stamped = _ts(self.now)
        summaries = []
        with pg.copy(f"COPY servicelevels_slatarget ({TARGET_COLUMNS}) FROM STDIN") as copy:  # noqa: S608
            for s in specs:
                if not s["priority"]:
                    continue  # no target for it: tracking stores nothing (sla_apply_change)
                clocks = self._clocks(s)
                running = []
                for metric in METRICS:
                    stage, since, done, minutes = clocks.get(metric, ("", None, None, None))
                    breach = None
                    if minutes is not None and since is not None:
                        breach = since + minutes * 60
                        if stage == "active":
                            running.append(breach)
                    spans = [[_ts(since).isoformat(), _ts(done).isoformat()]] if done else []
                    copy.write_row(
                        (account_id, s["id"], metric, stage)
                        + (_ts(since) if stage == "active" and since else None,)
                        + (json.dumps(spans), _ts(done) if done else None, policy_id, minutes)
                        + (False, _ts(breach) if breach else None, "")
                    )
                    self.written += 1
                summaries.append((s["id"], _ts(min(running)) if running else None))
        with pg.copy(f"COPY servicelevels_ticketsla ({SLA_COLUMNS}) FROM STDIN") as copy:  # noqa: S608
            for ticket_id, next_breach in summaries:
                copy.write_row((account_id, ticket_id, policy_id, next_breach, stamped))

    def _clocks(self, s: dict) -> dict[str, tuple]:
        """metric → (stage, running since, fulfilled at, target minutes)."""
        created, solved_at, priority = s["created"], s["solved_at"], s["priority"]
        first = created + self.rng.expovariate(1 / FIRST_REPLY_MEAN)
        if s["status"] == "new":
            first = None
        if solved_at is not None:
            first = solved_at if first is None else min(first, solved_at)
        elif first is not None and first > self.now:
            first = None
        end = solved_at
        found = {
            FIRST_REPLY: (
                "achieved" if first else "active",
                created,
                first,
                FIRST_REPLY_MINUTES.get(priority),
            ),
            RESOLUTION: (
                "achieved" if end else "active",
                created,
                end,
                RESOLUTION_MINUTES.get(priority),
            ),
        }
        waiting = "achieved" if end else "active"
        for metric in ("requester_wait_time", "agent_work_time"):
            found[metric] = (waiting, created, end, None)
        return found


def sla_load(*, account, progress=print, chunk: int = 20_000) -> int:
    """Give an already loaded account the SLA rows the loader now writes (its tickets
    read back in id order; an account that has SLA rows is left alone). One transaction."""
    from django.db import connection, transaction

    from servicelevels.models import SlaTarget

    if SlaTarget.all_accounts.filter(account_id=account.pk).exists():
        progress(f"{account.subdomain}: has SLA rows already")
        return 0
    writer = SlaWriter()
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        pg = cursor.cursor
        pg.execute("SET LOCAL synchronous_commit = off")
        pg.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if pg.fetchone()[0]:
            # As the loader: the ids are the tickets' own, no deferred foreign-key checks
            # of millions of rows at commit.
            pg.execute("SET LOCAL session_replication_role = replica")
        policy = bench_policy(account)
        last = 0
        while True:
            pg.execute(
                "SELECT id, extract(epoch FROM created_at), status, priority, "
                "extract(epoch FROM solved_at) FROM tickets_ticket "
                "WHERE account_id = %s AND id > %s ORDER BY id LIMIT %s",
                [account.pk, last, chunk],
            )
            rows = pg.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            specs = [
                {
                    "id": pk,
                    "created": float(created),
                    "status": status,
                    "priority": priority,
                    "solved_at": float(solved) if solved is not None else None,
                }
                for pk, created, status, priority, solved in rows
            ]
            writer.write(pg, account.pk, policy.pk, specs)
            progress(f"  {account.subdomain}: {writer.written:,} SLA targets")
    with connection.cursor() as cursor:
        for table in ("servicelevels_slatarget", "servicelevels_ticketsla"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    progress(
        f"{account.subdomain}: {writer.written:,} SLA targets in {time.monotonic() - started:.1f} s"
    )
    return writer.written


if __name__ == "__main__":  # pragma: no cover - a bench tool
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    from accounts.models import Account

    for subdomain in sys.argv[1:] or ["bench"]:
        sla_load(account=Account.objects.get(subdomain=subdomain))
