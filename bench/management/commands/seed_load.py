"""``manage.py seed_load --accounts 3 --tickets 1000000 --comments 4``: a load-test data set
written with PostgreSQL COPY (see bench/seed.py for what it contains). Into a database
of its own: ``DATABASE_URL=postgres://…/sportello_bench manage.py migrate && … seed_load``.
The bench app is installed with DEBUG on and under bench/settings.py only (helpdesk/settings.py):
production never offers a command that makes administrators with a published password."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import Account
from bench.seed import BENCH_PASSWORD, Loader


class Command(BaseCommand):
    help = "Load many realistic tickets and comments fast (PostgreSQL COPY), for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=3)
        parser.add_argument("--tickets", type=int, default=1_000_000, help="In all accounts.")
        parser.add_argument("--comments", type=float, default=4.0, help="Per ticket, on average.")
        parser.add_argument(
            "--requesters",
            type=int,
            default=None,
            help="Per account; default scales with its tickets, up to 50,000.",
        )
        parser.add_argument("--prefix", default="bench", help="Subdomain of the first account.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (repeatable data).")

    def handle(self, *args, accounts, tickets, comments, requesters, prefix, seed, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_load needs PostgreSQL (it writes with COPY).")
        if accounts < 1 or tickets < accounts or comments < 0:
            raise CommandError("Use at least one account, one ticket per account, comments ≥ 0.")
        if requesters is not None and requesters < 1:
            raise CommandError("--requesters must be at least 1.")
        subdomains = [prefix] + [f"{prefix}{i + 1}" for i in range(1, accounts)]
        taken = list(Account.objects.filter(subdomain__in=subdomains).values_list("subdomain"))
        if taken:
            raise CommandError(
                f"Accounts {', '.join(s for (s,) in taken)} exist already: "
                "use another --prefix or a fresh database."
            )
        started = time.monotonic()
        result = Loader(seed=seed, progress=self.stdout.write).load(
            accounts=accounts,
            tickets=tickets,
            comments=comments,
            requesters=requesters,
            prefix=prefix,
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.tickets:,} tickets, {result.comments:,} comments, "
                f"{result.ccs:,} CCs and {result.users:,} users in {elapsed:.1f} s "
                f"({result.tickets / elapsed:,.0f} tickets/s)."
            )
        )
        for name, seconds in result.timings.items():
            self.stdout.write(f"  {name}: {seconds:.1f} s")
        for account in result.accounts:
            self.stdout.write(f"  {account.base_url}/  admin@{account.subdomain}.example")
        self.stdout.write(f"  Password of the named bench users: {BENCH_PASSWORD}")
