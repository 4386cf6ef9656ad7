"""``python -m bench.sidebar [rounds]``: the database time of the agent sidebar's view
counts (tickets.view_selectors.view_counts, uncached: what a page pays every
VIEW_COUNT_CACHE_SECONDS) on the bench database, as the bench agent, with the API's cap
(10,000, "10k+") and the sidebar's (1,000, "1,000+"), alternated; each cap's minimum and
median. Read-only."""

from __future__ import annotations

import os
import statistics
import sys
import time

from bench.run import DEFAULT_DB, _environment


def main(argv: list[str]) -> int:
    rounds = int(argv[0]) if argv else 5
    os.environ.update(_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)))
    import django

    django.setup()
    from django.db import connection

    from accounts.dbsession import account_context
    from accounts.models import Account, User
    from bench.seed import ROLE_EMAILS
    from tickets import counts
    from tickets.view_selectors import view_counts, views_for_agent

    account = Account.objects.get(subdomain="bench")
    with account_context(account):
        agent = User.objects.for_account(account).get(email=ROLE_EMAILS["agent"])
        views = list(views_for_agent(viewer=agent))
        caps = {"10,000": counts.VIEW_COUNT_CAP, "1,000": counts.SIDEBAR_COUNT_CAP}
        spent: dict[str, list[float]] = {name: [] for name in caps}
        shown: dict[str, list[str]] = {}
        for _round in range(rounds + 1):  # the first round warms the caches
            for name, cap in caps.items():
                timings: list[float] = []

                def timed(execute, sql, params, many, context, timings=timings):
                    started = time.perf_counter()
                    try:
                        return execute(sql, params, many, context)
                    finally:
                        timings.append(time.perf_counter() - started)

                with connection.execute_wrapper(timed):
                    found = view_counts(views=views, viewer=agent, cap=cap)
                if _round:
                    spent[name].append(sum(timings) * 1000)
                shown[name] = [str(found[view.number]) for view in views]
    print(f"{len(views)} views, {rounds} rounds alternated")
    for name, values in spent.items():
        print(
            f"cap {name:>6}: min {min(values):7.1f} ms  median {statistics.median(values):7.1f} ms"
            f"  badges {' '.join(shown[name])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
