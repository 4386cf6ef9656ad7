"""IMAP IDLE (RFC 2177): a long-running worker (``manage.py mailboxes_idle``) holds one
connection per active IMAP channel, waits in IDLE, and fetches as soon as the server
announces new mail (``* N EXISTS``), instead of up to a minute later at the next beat.
The beat keeps running: the fetch is exactly-once (mailchannels.fetch), so the two never
import a message twice.

Each channel is watched by one thread under its account's context. IDLE is re-issued
every IDLE_SECONDS (servers drop idle connections after 30 minutes) with a fetch then.
IDLE announces only what arrives once it has started: before it starts, the folder is
asked for UIDs above the channel's last imported one, so a message that arrived during
the fetch (or a backlog larger than one fetch) is fetched at once, not 25 minutes later. A mailbox
that cannot be reached is retried with exponential back-off up to MAX_BACKOFF seconds;
its error shows on the channel's status as for the beat."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import threading
import time

from django.db import close_old_connections, connection

from accounts.dbsession import account_context
from mailchannels import imap
from mailchannels.fetch import channel_fetch
from mailchannels.models import MailboxChannel

logger = logging.getLogger(__name__)

IDLE_SECONDS = 25 * 60.0
POLL_SLICE = 5.0  # seconds between checks of the stop signal while idling
MAX_BACKOFF = 300.0


def _channel(account_id: int, pk: int) -> MailboxChannel | None:
    """The channel as it is now; None once removed, paused or no longer IMAP."""
    with account_context(account_id):
        return (
            MailboxChannel.all_accounts.select_related("account", "address")
            .filter(
                account_id=account_id, pk=pk, active=True, protocol=MailboxChannel.Protocol.IMAP
            )
            .first()
        )


def wait_for_mail(
    channel: MailboxChannel,
    stop: threading.Event,
    *,
    idle_seconds: float = IDLE_SECONDS,
    idling: threading.Event | None = None,
    pending_after: int | None = None,
) -> str:
    """ "waiting" when UIDs above ``pending_after`` are already in the folder (no IDLE),
    else IDLE on the channel's folder until new mail ("new"), the time is up or the stop
    is asked for (""). MailboxError if the mailbox cannot be used."""
    with account_context(channel.account), imap.opened(channel) as box:
        try:
            if pending_after is not None and imap.uids_after(box, pending_after):
                return "waiting"
            box.idle.start()
            if idling is not None:
                idling.set()
            deadline = time.monotonic() + idle_seconds
            try:
                while not stop.is_set() and time.monotonic() < deadline:
                    slice_ = min(POLL_SLICE, max(0.1, deadline - time.monotonic()))
                    if any(b"EXISTS" in line for line in box.idle.poll(timeout=slice_)):
                        return "new"
                return ""
            finally:
                with contextlib.suppress(Exception):
                    box.idle.stop()
        except imaplib.IMAP4.error as exc:
            raise imap.MailboxError(imap.explain(exc, channel)) from exc


def watch(
    account_id: int,
    pk: int,
    stop: threading.Event,
    *,
    idle_seconds: float = IDLE_SECONDS,
    idling: threading.Event | None = None,
) -> None:
    """Fetch, IDLE, fetch on new mail, until ``stop`` (or the channel is gone)."""
    backoff = 1.0
    recheck = True  # a UID the fetch cannot get past must not make the loop spin
    try:
        while not stop.is_set():
            close_old_connections()
            channel = _channel(account_id, pk)
            if channel is None:
                return
            report = channel_fetch(channel)
            error = report.error
            if not error:
                fetched = _channel(account_id, pk)  # its last_uid after the fetch
                if fetched is None:
                    return
                try:
                    woke = wait_for_mail(
                        fetched,
                        stop,
                        idle_seconds=idle_seconds,
                        idling=idling,
                        pending_after=(
                            fetched.last_uid
                            if recheck or report.imported or report.failed
                            else None
                        ),
                    )
                    recheck = woke != "waiting"
                    backoff = 1.0
                    continue
                except imap.MailboxError as exc:
                    error = str(exc)
            logger.warning("Mailbox channel %s: %s; again in %.0f s", pk, error, backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
    finally:
        connection.close()


def idle_channels() -> list[tuple[int, int]]:
    """(account id, channel id) of every active IMAP channel; platform-level listing."""
    return list(
        MailboxChannel.all_accounts.filter(active=True, protocol=MailboxChannel.Protocol.IMAP)
        .order_by("account_id", "id")
        .values_list("account_id", "id")
    )


class Supervisor:
    """One watching thread per active IMAP channel, the list read again every
    ``rescan`` seconds: new channels get a thread, removed or paused ones end theirs."""

    def __init__(self, *, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self.stop = threading.Event()
        self.threads: dict[tuple[int, int], threading.Thread] = {}

    def sync(self) -> None:
        wanted = set(idle_channels())
        for key in wanted:
            thread = self.threads.get(key)
            if thread is None or not thread.is_alive():
                thread = threading.Thread(
                    target=watch,
                    args=(*key, self.stop),
                    kwargs={"idle_seconds": self.idle_seconds},
                    name=f"mailbox-idle-{key[1]}",
                    daemon=True,
                )
                self.threads[key] = thread
                thread.start()
        for key in set(self.threads) - wanted:  # their watch() returns by itself
            self.threads.pop(key)

    def run(self, *, rescan: float = 60.0) -> None:
        while not self.stop.is_set():
            self.sync()
            connection.close()
            self.stop.wait(rescan)
        for thread in self.threads.values():
            thread.join(POLL_SLICE * 2)
