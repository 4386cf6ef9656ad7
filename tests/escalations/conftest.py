from tests.notifications.conftest import outbox, sent  # noqa: F401 - shared fixtures
