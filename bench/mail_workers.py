# ruff: noqa: S603, S607 - a benchmark starting its own local processes (git from PATH)
"""Outbox delivery with one worker against two on the ``mail`` queue (issue 17).

    python -m bench.mail_workers [--workers 1,2] [--concurrency 2] [--sink-delay-ms 50]
                                 [--count 1000] [--rounds 2]

Scenario 7b's backlog (``--count`` outbox rows committed at once, sent in batches by
Celery workers through Django's SMTP backend to bench/smtp_sink.py) for each number of
workers, alternated ``--rounds`` times; emails/s is the rate the sink received them at.
Each worker is ``celery worker -Q mail -c CONCURRENCY``, as docker-compose.yml's
worker-mail is with its own ``CELERY_WORKER_CONCURRENCY``.

The sink answers each message ``--sink-delay-ms`` after its data (a provider's relay
takes tens of milliseconds; 0 answers at once): with a delay, a send waits on the
provider as in production, and throughput is the processes' count over that wait; with
none, it is what the cores can do, and a second worker on the same cores adds nothing.

Runs on a database of its own (``BENCH_MAIL_DATABASE_URL``, default
``sportello_bench_mail``: created, migrated and given one account with one notification
row to copy), never the shared bench database, and a broker of its own
(``BENCH_MAIL_BROKER_URL``, default Redis database 10, emptied before each run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import UTC, datetime

from bench.mail_scenarios import _Delivery
from bench.run import RESULTS, ROOT, _as_application_role, _ensure_database, _environment

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sportello_bench_mail"
DEFAULT_BROKER = "redis://127.0.0.1:6379/10"


def _prepare() -> None:
    """Migrate, and give the database the account and the notification row 7b copies."""
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.dbsession import account_context
    from accounts.models import User
    from accounts.selectors import account_for_subdomain
    from accounts.services import account_create, user_create
    from notifications.models import Delivery
    from tickets.services import ticket_create

    call_command("migrate", verbosity=0)
    if account_for_subdomain("bench") is not None:
        return
    account, admin = account_create(
        subdomain="bench", name="Bench", admin_email="admin@bench.example"
    )
    with account_context(account.pk):
        customer = user_create(
            account=account, name="Carla Customer", email="carla@customers.example"
        )
        ticket_create(
            account=account,
            submitter=admin,
            requester=customer,
            subject="Invoice 4471 charged twice",
            body="Hello,\n\nwe were charged twice for invoice 4471. Please refund one.",
            public=True,
            channel="web",
        )
        rows = Delivery.objects.for_account(account).exclude(body_html="")
        assert rows.exists(), "the new ticket wrote no notification row"
        assert User.objects.for_account(account).count() == 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="Worker counts to compare, e.g. 1,2")
    parser.add_argument("--concurrency", type=int, default=2, help="Processes per worker")
    parser.add_argument("--sink-delay-ms", type=float, default=50.0)
    parser.add_argument("--count", type=int, default=1000, help="Rows in the backlog")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]

    database_url = os.environ.get("BENCH_MAIL_DATABASE_URL", DEFAULT_DB)
    env = _environment(database_url) | {
        "CELERY_BROKER_URL": os.environ.get("BENCH_MAIL_BROKER_URL", DEFAULT_BROKER)
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _ensure_database(database_url)
    _prepare()
    env = _as_application_role(database_url, env)

    load_before = os.getloadavg()[0]
    results: dict[int, list[float]] = {n: [] for n in counts}
    for round_ in range(args.rounds):
        for workers in counts:
            with _Delivery(
                env,
                {},
                workers=workers,
                concurrency=args.concurrency,
                sink_delay_ms=args.sink_delay_ms,
            ) as delivery:
                row = delivery.measure("7b", "backlog", count=args.count, rate=0)
            results[workers].append(row["rps"])
            print(
                f"round {round_ + 1}: {workers} worker(s) × {args.concurrency}: "
                f"{row['rps']:.1f} emails/s ({row['status']} sent), "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

    base = statistics.median(results[counts[0]])
    print(f"\n| workers × processes | emails/s (each round) | median | vs {counts[0]} |")
    print("|---|---|---:|---:|")
    for workers in counts:
        median = statistics.median(results[workers])
        each = ", ".join(f"{r:.1f}" for r in results[workers])
        print(f"| {workers} × {args.concurrency} | {each} | {median:.1f} | {median / base:.2f}× |")

    RESULTS.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{stamp}-{commit or 'nogit'}-mail-workers.json"
    meta = vars(args) | {"commit": commit, "load_avg_before": load_before}
    meta |= {"load_avg_after": os.getloadavg()[0]}
    out.write_text(json.dumps({"meta": meta, "emails_per_s": results}, indent=2) + "\n")
    print(f"\nload average {load_before:.1f} → {os.getloadavg()[0]:.1f}; written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
