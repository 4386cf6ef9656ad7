"""A full walk of Zendesk's cursor-based incremental ticket export, the way a data-sync
connector reads an account: every page of ``/api/v2/incremental/tickets/cursor.json``
from ``start_time=0`` to ``end_of_stream``, through the real view (token auth, the
selectors, JSON of every ticket), timed. ``make bench`` runs it as scenario 6w over HTTP
against its gunicorn (walk_http); run alone, it walks in this process:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench_<you> \\
      .venv/bin/python -m bench.incremental [--per-page 1000] [--subdomain bench] [--max-pages N]

Read-only apart from one API token; needs the database at this branch's migrations
(tickets.0007), so run it on a migrated copy of sportello_bench, not on the shared one.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import time
import urllib.request

ADMIN_EMAIL = "admin@bench.example"  # bench/seed.py's admin


WALK_TIMEOUT = 120


def walk_http(base: str, headers: dict[str, str], *, per_page: int = 1000) -> dict:
    """Scenario 6w: every page, over HTTP, one after the other (as a connector reads)."""
    path = f"/api/v2/incremental/tickets/cursor.json?start_time=0&per_page={per_page}"
    rows = pages = 0
    slowest = 0.0
    statuses: set[int] = set()
    started = time.monotonic()
    while True:
        page_started = time.monotonic()
        request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - localhost
        with urllib.request.urlopen(request, timeout=WALK_TIMEOUT) as response:  # noqa: S310 - localhost
            statuses.add(response.status)
            body = json.loads(response.read())
        slowest = max(slowest, time.monotonic() - page_started)
        rows += len(body["tickets"])
        pages += 1
        if body["end_of_stream"]:
            break
        path = "/" + body["after_url"].split("://", 1)[1].split("/", 1)[1]
    elapsed = time.monotonic() - started
    return {
        "rows": rows,
        "pages": pages,
        "seconds": round(elapsed, 1),
        "rows_per_s": round(rows / elapsed),
        "page_ms_avg": round(elapsed / pages * 1000, 1),
        "page_ms_max": round(slowest * 1000, 1),
        "status": ",".join(str(s) for s in sorted(statuses)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-page", type=int, default=1000)
    parser.add_argument("--subdomain", default="bench")
    parser.add_argument("--max-pages", type=int, default=0, help="stop after N pages (0: all)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("BASE_DOMAIN", "localhost")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.models import Account, User
    from api.tokens import api_token_create

    settings.API_INCREMENTAL_RATE_LIMIT = "10000000/min"  # measure the export, not the limiter
    settings.ALLOWED_HOSTS = ["*"]
    account = Account.objects.get(subdomain=args.subdomain)
    admin = User.objects.for_account(account).get(email=ADMIN_EMAIL)
    _token, secret = api_token_create(account=account, name="bench incremental", created_by=admin)
    basic = base64.b64encode(f"{admin.email}/token:{secret}".encode()).decode()
    client = Client(HTTP_HOST=account.host, HTTP_AUTHORIZATION=f"Basic {basic}")

    url = f"/api/v2/incremental/tickets/cursor.json?start_time=0&per_page={args.per_page}"
    rows = pages = 0
    slowest = 0.0
    started = time.monotonic()
    while True:
        page_started = time.monotonic()
        response = client.get(url, secure=True)
        slowest = max(slowest, time.monotonic() - page_started)
        if response.status_code != 200:
            print(f"page {pages + 1}: HTTP {response.status_code} {response.content[:300]!r}")
            return 1
        body = response.json()
        rows += len(body["tickets"])
        pages += 1
        if body["end_of_stream"] or (args.max_pages and pages >= args.max_pages):
            break
        url = body["after_url"].split("://", 1)[1].split("/", 1)[1]
        url = "/" + url
    elapsed = time.monotonic() - started
    print(
        f"{rows:,} tickets in {pages:,} pages of {args.per_page} in {elapsed:.1f} s: "
        f"{rows / elapsed:,.0f} rows/s, {elapsed / pages * 1000:.0f} ms a page on average, "
        f"slowest page {slowest * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
