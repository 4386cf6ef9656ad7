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

from bench.run import DEFAULT_DB, _environment

PAGES = {
    "1a": ("agent", "/agent/views/unsolved/"),
    "1b": ("agent", "/agent/views/unsolved/?page=2000"),
    "2": ("agent", "/agent/tickets/1/"),
    "3": ("agent", "/agent/tickets/new/requester/search/?q=lopez"),
    "4a": ("requester", "/hc/"),
    "4b": ("manager", "/hc/?tab=organization"),
    "5a": ("requester", "/hc/search/?q=invoice+refund"),
    "5b": ("agent", "/agent/search/?q=invoice"),
    "8": ("agent", "/agent/"),
}


def main(argv: list[str]) -> int:
    requests = int(argv[0]) if argv else 20
    keys = argv[1].split(",") if len(argv) > 1 else list(PAGES)
    os.environ.update(_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)))
    import django

    django.setup()
    from django.test import Client

    from accounts.models import Account, User
    from bench.seed import HEAVY_EMAIL, MANAGER_EMAIL

    account = Account.objects.get(subdomain="bench")
    emails = {"agent": "agent1@bench.example", "requester": HEAVY_EMAIL, "manager": MANAGER_EMAIL}
    clients = {}
    for role, email in emails.items():
        clients[role] = Client(HTTP_HOST=account.host, HTTP_X_FORWARDED_PROTO="https")
        clients[role].force_login(User.objects.for_account(account).get(email=email))
    for key in keys:
        role, path = PAGES[key]
        client = clients[role]
        headers = {"HX-Request": "true"} if "requester/search" in path else {}
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
