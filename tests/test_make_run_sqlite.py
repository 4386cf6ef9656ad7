"""`make run` serves the demo on SQLite with Celery eager (no broker): its first steps,
migrate and seed_demo, must work there too, including sending the demo's emails. The rest
of the suite runs on PostgreSQL, so PostgreSQL-only SQL would otherwise go unnoticed."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    for command in (["migrate", "--no-input"], ["seed_demo"]):
        done = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Could not enqueue" not in done.stderr, done.stderr[-3000:]
    with sqlite3.connect(database) as db:
        states = dict(
            db.execute("SELECT state, COUNT(*) FROM notifications_delivery GROUP BY state")
        )
    assert states.get("sent", 0) > 0
    assert set(states) == {"sent"}, states
