"""Activity lines that take their time: a database trigger makes each insert of one kind of
history row wait, so a pass over a few tickets lasts seconds, long enough for a real worker
to be killed, or raced by a second one, midway (the automations' and SLA alerts' tests)."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


@contextmanager
def slow_event_inserts(field: str, seconds: float = 0.15):
    """Each TicketEvent whose ``field`` is ``field`` waits ``seconds`` while inserted."""
    if not field.replace("_", "").isalnum():
        raise ValueError(f"not a field name: {field!r}")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION test_slow_event() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.field = '{field}' THEN PERFORM pg_sleep({float(seconds)}); END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER test_slow_event BEFORE INSERT ON tickets_ticketevent "
            "FOR EACH ROW EXECUTE FUNCTION test_slow_event()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS test_slow_event ON tickets_ticketevent")
            cursor.execute("DROP FUNCTION IF EXISTS test_slow_event()")
