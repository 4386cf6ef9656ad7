"""Signal receivers wired in ReportsConfig.ready(): a changed ticket is refreshed in the
rollups once, after its transaction commits (reports.services.ticket_refresh).

After commit, so the change's own queries stay as they were and a rolled-back change
counts nothing; once per ticket and transaction however many events it wrote. A refresh
that fails is logged, never turned into an error page for a change already committed:
``rebuild_reports`` (or the ticket's next change, which recomputes it whole) mends it."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


class _Flush:
    """The one after-commit callback of a transaction, with the tickets to refresh."""

    def __init__(self) -> None:
        self.pending: set[tuple[int, int]] = set()
        self.done = False

    def __call__(self) -> None:
        from reports.services import ticket_refresh

        self.done = True
        for account_id, ticket_id in sorted(self.pending):
            _refresh(ticket_refresh, account_id, ticket_id)


def _refresh(ticket_refresh, account_id: int, ticket_id: int) -> None:
    try:
        ticket_refresh(account_id=account_id, ticket_id=ticket_id)
    except Exception:  # noqa: BLE001 - the change is committed; the rollup can be rebuilt
        logger.exception("Could not refresh the reports of ticket %s", ticket_id)


def mark(account_id: int, ticket_id: int) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        from reports.services import ticket_refresh

        _refresh(ticket_refresh, account_id, ticket_id)
        return
    # A callback registered earlier in this transaction is still listed (a rolled-back
    # savepoint removes its own).
    flush = next(
        (
            func
            for _, func, _ in reversed(connection.run_on_commit)
            if isinstance(func, _Flush) and not func.done
        ),
        None,
    )
    if flush is None:
        flush = _Flush()
        transaction.on_commit(flush, robust=True)
    flush.pending.add((account_id, ticket_id))


def on_ticket_changed(sender, change, **kwargs) -> None:
    mark(change.ticket.account_id, change.ticket.pk)


def on_event_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        mark(instance.account_id, instance.ticket_id)


def on_account_imported(sender, account, **kwargs) -> None:
    from reports.services import account_rebuild

    account_rebuild(account=account)


def on_tickets_changed_in_bulk(sender, account_id: int, ticket_ids: list[int], **kwargs) -> None:
    """Many tickets changed by one UPDATE: refreshed together after commit, in chunks
    (reports.services.tickets_refresh), not one transaction per ticket."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return

    def flush() -> None:
        from reports.services import tickets_refresh

        try:
            tickets_refresh(account_id=account_id, ticket_ids=ids)
        except Exception:  # noqa: BLE001 - the change is committed; the rollup can be rebuilt
            logger.exception("Could not refresh the reports of %s tickets", len(ids))

    transaction.on_commit(flush, robust=True)
