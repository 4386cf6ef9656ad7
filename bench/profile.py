"""``python -m bench.profile /agent/views/unsolved/ [agent|requester|manager] [--python]``:
one request through the test client on the bench database, with each SQL query and its
time, and EXPLAIN ANALYZE of the slowest ones. ``--python``: 20 requests under cProfile
instead, the functions they spend their time in. The profiles behind bench/README.md."""

from __future__ import annotations

import os
import sys
import time

from bench.run import DEFAULT_DB, ROOT, _environment


def main(argv: list[str]) -> int:
    python = "--python" in argv
    argv = [a for a in argv if a != "--python"]
    path, role = argv[0], argv[1] if len(argv) > 1 else "agent"
    os.environ.update(_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account, User
    from bench.seed import ROLE_EMAILS

    account = Account.objects.get(subdomain="bench")
    email = ROLE_EMAILS.get(role, ROLE_EMAILS["manager"])
    client = Client(HTTP_HOST=account.host, HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.for_account(account).get(email=email))
    headers = {"HX-Request": "true"} if "requester/search" in path else {}
    client.get(path, headers=headers)  # warm
    if python:
        return _python_profile(client, path, headers)
    with CaptureQueriesContext(connection) as ctx:
        started = time.monotonic()
        response = client.get(path, headers=headers)
        total = (time.monotonic() - started) * 1000
    print(f"{response.status_code} {path}: {len(ctx.captured_queries)} queries, {total:.1f} ms")
    for q in ctx.captured_queries:
        print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:300]}")
    slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:2]
    for q in slow:
        if float(q["time"]) > 0.005 and q["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))
    return 0


def _python_profile(client, path: str, headers: dict, requests: int = 20) -> int:
    import cProfile
    import pstats

    # The process's CPU clock, not the wall: on the shared machine a request's wall time
    # is half waiting for a core. Each call and return reads the clock (a system call),
    # so functions called very often are overstated; shares, not milliseconds.
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    profiler.enable()
    for _ in range(requests):
        client.get(path, headers=headers)
    profiler.disable()
    elapsed = (time.process_time() - started) * 1000 / requests
    print(f"{path}: {elapsed:.1f} ms of CPU per request under cProfile ({requests} requests)")
    stats = pstats.Stats(profiler)
    print(_by_area(stats))
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    return 0


def _by_area(stats) -> str:
    """Own time summed by where the code lives: a project app, or an installed package
    (django.template, django.db, jinja2, psycopg, ...), with its share."""
    areas: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        if "site-packages/" in filename:
            parts = filename.split("site-packages/", 1)[1].split("/")
            area = "/".join(parts[:2]) if parts[0] == "django" else parts[0]
        elif filename.startswith(str(ROOT)):
            area = filename[len(str(ROOT)) + 1 :].split("/", 1)[0]
        else:
            area = "python" if filename.startswith(("/", "<frozen")) else "builtins"
        areas[area] = areas.get(area, 0.0) + own
    total = sum(areas.values()) or 1.0
    ranked = sorted(areas.items(), key=lambda item: -item[1])
    return "\n".join(f"{own / total:6.1%}  {area}" for area, own in ranked[:20])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
