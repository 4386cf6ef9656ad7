"""`make run` serves the demo on SQLite with Celery eager (no broker): its first steps,
migrate and seed_demo, must work there too, including sending the demo's emails. The rest
of the suite runs on PostgreSQL, so PostgreSQL-only SQL would otherwise go unnoticed."""

import os
import sqlite3

import pytest

from tests.commands import manage

# Keyset pages (tickets.keyset) on SQLite, which sorts NULLs the other way round unless
# told: Next walks every ticket of the list once, in its order, for every sort.
WALK_PAGES = """
from accounts.models import Account, User
from tickets.counts import TicketPaginator
from tickets.selectors import TICKET_SORTS
from tickets.view_selectors import agent_ticket_list
account = Account.objects.get(subdomain="demo")
agent = User.objects.for_account(account).filter(role="agent").first()
for sort in [s for key in TICKET_SORTS for s in (key, "-" + key)]:
    paginator = TicketPaginator(agent_ticket_list(viewer=agent, view_key="recent", sort=sort), 2)
    expected = list(paginator.object_list.values_list("number", flat=True))
    page, walked = paginator.get_page(1), []
    while True:
        walked += [t.number for t in page]
        if not page.has_next():
            break
        page = paginator.get_page(page.next_page_number(), cursor=page.next_cursor)
    assert walked == expected, (sort, walked, expected)
    assert len(expected) > 4, expected
print("walked")
"""


@pytest.mark.long
def test_demo_seeds_and_sends_its_emails_on_sqlite(tmp_path):
    database = tmp_path / "demo.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "EMAIL_ESP", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    for command in (["migrate", "--no-input"], ["seed_demo"], ["shell", "-c", WALK_PAGES]):
        done = manage(*command, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Could not enqueue" not in done.stderr, done.stderr[-3000:]
    with sqlite3.connect(database) as db:
        states = dict(
            db.execute("SELECT state, COUNT(*) FROM notifications_delivery GROUP BY state")
        )
    assert states.get("sent", 0) > 0
    assert set(states) == {"sent"}, states
