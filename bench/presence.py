"""``python -m bench.presence [agents] [rounds]``: the ticket page's presence heartbeat
(tickets.presence) as 200 agents polling every 10 s cost it: CPU milliseconds per beat in
this process, through the whole middleware stack (session, user, account, row-level
security) and the cache (Redis when REDIS_URL is set), and the share of one core that
20 beats a second take (issue 22's budget: under 10 %).

Two kinds of beat are measured in the same run, alternating rounds and keeping each
one's minimum (a shared machine's load moves single rounds, bench/README.md):

- ``full``: the beat a page sends without the state it shows (pages older than the
  204 answer): the fragment is rendered every time;
- ``steady``: the beat a page sends now, with the state it shows and the fragment's
  proof of access (tickets.access.beat_ref): unchanged, it is answered 204 without
  rendering (most beats: nobody came, left or started typing).

It signs in ``agents`` agents of its own (``presence-N@…``, created when missing) and
spreads them over 40 tickets, five to a ticket: it WRITES users and sessions, so point
BENCH_DATABASE_URL at a database of your own (a copy of the bench's, or one with
``manage.py seed_demo``), never the shared bench database. ``--account SUBDOMAIN``
picks the account (default: bench, else the first account).
"""

from __future__ import annotations

import os
import re
import sys
import time

from bench.run import DEFAULT_DB, _environment

BEATS_PER_SECOND_PER_AGENT = 1 / 10
TICKETS = 40
STATE = re.compile(rb'name="state" value="([^"]*)"')
REF = re.compile(rb'name="ref" value="([^"]*)"')


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--account=")]
    subdomain = next((a.split("=", 1)[1] for a in argv if a.startswith("--account=")), "")
    agents = int(args[0]) if args else 200
    rounds = int(args[1]) if len(args) > 1 else 3
    os.environ.update(_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)))
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from accounts.dbsession import account_context
    from accounts.models import Account, User
    from tickets.models import Ticket

    account = (
        Account.objects.filter(subdomain=subdomain or "bench").first() or Account.objects.first()
    )
    if account is None:
        print("no account: run manage.py seed_demo first")
        return 1
    with account_context(account):
        users = list(
            User.objects.for_account(account)
            .filter(email__startswith="presence-")
            .order_by("email")[:agents]
        )
        for i in range(len(users), agents):
            users.append(
                User.objects.create_user(
                    account=account,
                    email=f"presence-{i:04d}@{account.subdomain}.example",
                    name=f"Presence Agent{i}",
                    role=User.Role.AGENT,
                )
            )
        numbers = list(
            Ticket.objects.for_account(account)
            .order_by("number")
            .values_list("number", flat=True)[:TICKETS]
        )
    if not numbers:
        print("no tickets: run manage.py seed_demo first")
        return 1
    host = account.host
    beats: list[list] = []
    for i, user in enumerate(users):
        client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
        client.force_login(user)
        beats.append([client, f"/agent/tickets/{numbers[i % len(numbers)]}/presence/", "", ""])
    for key in {path for _c, path, _s, _r in beats}:
        cache.delete(f"presence:{account.pk}:{key}")  # a clean start; keys are per ticket id

    def round_of(kind: str) -> float:
        started = time.process_time()
        for beat in beats:
            client, path, state, ref = beat
            data = {"body": ""} | ({"state": state, "ref": ref} if kind == "steady" else {})
            response = client.post(path, data, headers={"HX-Request": "true"})
            found, proof = STATE.search(response.content), REF.search(response.content)
            if found:
                beat[2] = found.group(1).decode()
            if proof:  # the fragment's proof (tickets.access.beat_ref), sent back as the page does
                beat[3] = proof.group(1).decode()
        return (time.process_time() - started) * 1000 / len(beats)

    round_of("full")  # warm: every agent is in, every page has its state
    round_of("full")
    best = {"full": float("inf"), "steady": float("inf")}
    for _ in range(rounds):
        for kind in ("full", "steady"):
            best[kind] = min(best[kind], round_of(kind))
    per_second = agents * BEATS_PER_SECOND_PER_AGENT
    print(f"{agents} agents, one beat every 10 s each: {per_second:.0f} beats/s")
    for kind, ms in best.items():
        print(f"{kind:6}  cpu {ms:5.2f} ms/beat  {ms * per_second / 10:5.1f} % of one core")
    print(f"steady/full: {best['steady'] / best['full']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
