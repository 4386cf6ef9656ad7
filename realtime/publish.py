"""Pushing events to open sockets: a doorbell, never the mailbox.

Whatever an event announces is in the database first (a chat message, a state change);
the event only tells the subscribed pages to look now instead of at their next poll. So
an event may be lost (no channel layer, Redis down, a socket between reconnects) and
nothing is: the page's poll finds it. Events are sent after the transaction commits, so
a page never looks before the row is there, and a rolled-back write rings no bell.

Topics are per account: the group name carries the account's id, and a socket joins
only groups of the account its host and session resolved (realtime.topics decides which
topics a user may join)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction

logger = logging.getLogger(__name__)


def group_name(account_id: int, topic: str) -> str:
    """The channel layer's group for ``topic`` in one account. Channels allows only
    ASCII letters, digits, hyphens, periods and underscores (under 100 characters), so
    the topic goes in as a digest: replacing the other characters, or cutting a long
    topic short, would let two topics share a group (``chat:a/b`` would ring
    ``chat:a_b``'s subscribers), and a subscriber the rule allowed only one of them
    would hear both. The prefix stays readable for whoever looks into Redis."""
    digest = hashlib.blake2b(topic.encode(), digest_size=16).hexdigest()
    prefix = "".join(c for c in topic.partition(":")[0][:24] if c.isascii() and c.isalnum())
    return f"a{int(account_id)}.{prefix}.{digest}"


def publish(account_id: int, topic: str, event: dict) -> None:
    """Ring ``topic``'s subscribers in ``account_id`` with ``event`` (a JSON-able dict)
    once the current transaction commits; at once outside one."""
    payload = {"type": "realtime.event", "topic": topic, "event": event}
    send_after_commit(group_name(account_id, topic), payload)


def send_after_commit(group: str, payload: dict) -> None:
    """Send ``payload`` (its "type" names the consumer's handler) to ``group`` once the
    current transaction commits; at once outside one."""
    transaction.on_commit(lambda: _send(group, payload))


def _send(group: str, payload: dict) -> None:
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    try:
        layer = get_channel_layer()
        if layer is None:
            return
        if isinstance(layer, InMemoryChannelLayer):
            # One process (make run, tests): its queues belong to the server's own loop,
            # which async_to_sync reaches from a request's thread.
            async_to_sync(layer.group_send)(group, payload)
        else:
            _sender().submit(layer, group, payload)
    except Exception:  # noqa: BLE001 - a doorbell that fails costs a poll's delay, nothing more
        logger.warning("Realtime push to %s failed", group, exc_info=True)


class _Sender:
    """Sends a process's events to Redis from one event loop in a thread of its own.
    async_to_sync in the request's thread would build a
    loop, and a Redis connection, per event: 13 ms at the median and 137 ms at p99 added
    to the request that published (bench/realtime.py, 200 chats); handing the event
    over costs microseconds, and Redis being slow or away delays no request. Past
    ``BACKLOG`` events waiting (Redis away for long), new ones are dropped and logged.
    Events are taken in order, ``CONCURRENCY`` sends at a time (a doorbell's order does
    not matter: the page fetches what is there)."""

    BACKLOG = 10_000
    # Sends in flight at once: a group send is three round trips to Redis, and one at a
    # time queued events behind each other in a busy process (p99 711 ms against 160 ms).
    CONCURRENCY = 8

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue[tuple[Any, str, dict]] = asyncio.Queue(self.BACKLOG)
        thread = threading.Thread(target=self._run, name="realtime-sender", daemon=True)
        thread.start()

    def submit(self, layer: Any, group: str, payload: dict) -> None:
        self.loop.call_soon_threadsafe(self._enqueue, (layer, group, payload))

    def _enqueue(self, item: tuple[Any, str, dict]) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            logger.warning("Realtime push to %s dropped: %d waiting", item[1], self.BACKLOG)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def drain_all() -> None:
            await asyncio.gather(*(self._drain() for _ in range(self.CONCURRENCY)))

        self.loop.run_until_complete(drain_all())

    async def _drain(self) -> None:
        while True:
            layer, group, payload = await self.queue.get()
            try:
                await layer.group_send(group, payload)
            except Exception:  # noqa: BLE001 - the page's poll finds the row anyway
                logger.warning("Realtime push to %s failed", group, exc_info=True)


_sender_lock = threading.Lock()
_the_sender: _Sender | None = None


def _sender() -> _Sender:
    """This process's sender, started on first use (a forked worker starts its own)."""
    global _the_sender
    with _sender_lock:
        if _the_sender is None or _the_sender.pid != os.getpid():
            _the_sender = _Sender()
        return _the_sender
