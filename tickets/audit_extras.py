"""Events other apps add to a ticket's audits: Zendesk's Notification events, the
emails a trigger sent on a change set. The API (api.audits) reads a ticket's history
from here and below; the notifications app, which records the emails, sits beside the
API, so it registers a reader at start-up (NotificationsConfig.ready) instead of the API
importing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from tickets.models import Ticket


@dataclass(frozen=True)
class AuditExtra:
    at: dt.datetime  # when it was recorded: it joins the change set running then
    event: dict  # the audit event in Zendesk's shape


Reader = Callable[[Ticket, dt.datetime, dt.datetime], list[AuditExtra]]
READERS: list[Reader] = []


def register_reader(reader: Reader) -> None:
    if reader not in READERS:
        READERS.append(reader)


def extras_between(ticket: Ticket, start: dt.datetime, end: dt.datetime) -> list[AuditExtra]:
    """Every registered app's events of the ticket recorded from start to end, by time."""
    found = [extra for reader in READERS for extra in reader(ticket, start, end)]
    return sorted(found, key=lambda extra: extra.at)
