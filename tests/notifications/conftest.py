"""Email goes to anymail's test backend; on_commit callbacks run so rows get sent."""

from __future__ import annotations

import pytest
from django.core import mail


@pytest.fixture
def outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def sent(outbox, django_capture_on_commit_callbacks):
    """sent(fn, *args, **kwargs) → the messages that leave because of that one call."""

    def run(fn, *args, **kwargs):
        before = len(outbox)
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        run.result = result
        return outbox[before:]

    return run


def to_of(messages) -> list[str]:
    return sorted(address for m in messages for address in m.to)


def by_recipient(messages, address: str):
    return [m for m in messages if address in m.to]


def html_of(message) -> str:
    return next(c for c, t in message.alternatives if t == "text/html")
