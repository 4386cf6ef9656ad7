"""Signals the tickets app sends for apps above it that keep rows tied to tickets.

- ``tickets_deleting``: inside the transaction of tickets.services.tickets_delete_recorded
  (an agent's permanent delete and the retention pass alike), before the rows go, with
  ``account_id`` and ``ticket_ids``. Live chat deletes the ended chats whose transcript
  those tickets hold.
- ``retention_expiring``: from tickets.services.retention.retention_run, with ``account``,
  ``policy``, ``now``, ``expired_tickets`` (the queryset of tickets that go) and
  ``dry_run``. A receiver counts (dry run) or deletes its own expired rows by the same
  policy and answers ``(rows, files)``; they are added to the pass's report."""

from __future__ import annotations

from django.dispatch import Signal

tickets_deleting = Signal()
retention_expiring = Signal()
