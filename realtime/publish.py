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

import hashlib
import logging

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
    group = group_name(account_id, topic)
    transaction.on_commit(lambda: _send(group, payload))


def _send(group: str, payload: dict) -> None:
    from channels.layers import get_channel_layer

    try:
        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(group, payload)
    except Exception:  # noqa: BLE001 - a doorbell that fails costs a poll's delay, nothing more
        logger.warning("Realtime push to %s failed", group, exc_info=True)
