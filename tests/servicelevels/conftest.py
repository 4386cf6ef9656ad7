"""The outbox fixtures of the notifications tests (SLA alerts email through triggers)."""

from tests.notifications.conftest import outbox, sent  # noqa: F401
