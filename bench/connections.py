"""``python -m bench.connections [N]``: what a new database connection per request costs
(``CONN_MAX_AGE=0``) against a kept one: N × (connect as Django does, one query for an
account, close) and N × the same query on a kept connection. Prints wall min / median and
this process's CPU per iteration, for the ``DATABASE_URL`` given (PostgreSQL, or a
PgBouncer in front of it; README, "Connections and PgBouncer"). Reads only.

    DATABASE_URL=postgres://sportello_bench_app@127.0.0.1:5432/sportello_bench \\
        .venv/bin/python -m bench.connections 300
"""

from __future__ import annotations

import os
import statistics
import sys
import time


def measure(requests: int, *, fresh: bool) -> tuple[float, float, float]:
    from django.db import connection

    from accounts.dbsession import account_context

    walls = []
    cpu = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        if fresh:
            connection.close()
        with account_context(1), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tickets_ticket WHERE number = 1")
            cursor.fetchone()
        walls.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / requests
    return min(walls), statistics.median(walls), cpu_ms


def main(argv: list[str]) -> int:
    requests = int(argv[0]) if argv else 300
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    import django

    django.setup()
    for fresh in (True, False):
        low, median, cpu = measure(requests, fresh=fresh)
        kind = "new connection" if fresh else "kept connection"
        print(f"{kind:16} wall min {low:6.2f} ms  median {median:6.2f} ms  cpu {cpu:5.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
