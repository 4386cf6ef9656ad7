"""``python -m bench.cpu [requests] [keys]``: CPU milliseconds per request of the page
scenarios, in one process through the test client on the bench database, as the
signed-in roles of ``make bench`` (e.g. ``python -m bench.cpu 20 1a,2,4a``).

A shared machine's load moves wrk's numbers by ±20 %; the CPU a request costs in this
process moves far less, so a change is measured here, alternating runs of the old and the
new tree and keeping each one's minimum (bench/README.md, fifth round)."""

from __future__ import annotations

import os
import sys
import time

from bench.knowledge import first_article
from bench.run import DEFAULT_DB, _environment
from bench.scenarios import deep_page, deep_page_cursor, hc_request, scenarios


class _Absent0(dict):
    """The scenarios' context: a number bench.run would have made first (a view, an
    article: writes) reads as 0 here, and its scenario (a path with a /0/ segment; numbers
    start at 1) is dropped."""

    def __missing__(self, key: str) -> int:
        return 0


def main(argv: list[str]) -> int:
    requests = int(argv[0]) if argv else 20
    os.environ.update(_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)))
    import django

    django.setup()
    from django.test import Client

    from accounts.models import Account, User
    from bench.scenarios import URGENT_BILLING
    from bench.seed import LONG_THREAD_NUMBER, ROLE_EMAILS
    from notifications.addresses import support_address
    from tickets.models import View

    account = Account.objects.get(subdomain="bench")
    clients = {}
    for role, email in ROLE_EMAILS.items():
        clients[role] = Client(HTTP_HOST=account.host, HTTP_X_FORWARDED_PROTO="https")
        clients[role].force_login(User.objects.for_account(account).get(email=email))
    agent = User.objects.for_account(account).get(email=ROLE_EMAILS["agent"])
    page = deep_page(agent)
    views = View.objects.for_account(account)
    # 1v's view is made by bench.run (a write); here it is only looked up.
    urgent = views.filter(title=URGENT_BILLING).first()
    ctx = _Absent0(
        {
            "unsolved_view": views.get(key="unsolved").number,
            "urgent_billing_view": urgent.number if urgent else 0,
            "deep_page": page,
            "deep_page_cursor": deep_page_cursor(agent, page),
            "long_thread": LONG_THREAD_NUMBER,
            "hc_request": hc_request(account),  # 4c
            "kb_article": first_article(account),  # 5l, when bench.run loaded the articles
            "deep_cursor": "",  # the API's scenarios are not pages
            "support_address": support_address(account),
        }
    )
    # make bench's page scenarios: the ones a signed-in role GETs.
    pages = {s["key"]: s for s in scenarios(ctx) if s.get("role") in clients}
    pages = {key: page for key, page in pages.items() if "/0/" not in page["path"]}
    for key in argv[1].split(",") if len(argv) > 1 else list(pages):
        page = pages[key]  # type: ignore[assignment]  # the name is reused
        client, path = clients[page["role"]], page["path"]  # type: ignore[index]  # the name is reused
        headers = {"HX-Request": "true"} if page.get("htmx") else {}  # type: ignore[attr-defined]  # the name is reused
        status = client.get(path, headers=headers).status_code  # warm
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(requests):
            client.get(path, headers=headers)
        cpu_ms = (time.process_time() - cpu) * 1000 / requests
        wall_ms = (time.perf_counter() - started) * 1000 / requests
        print(f"{key:3} {status}  cpu {cpu_ms:6.1f} ms  wall {wall_ms:6.1f} ms  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
