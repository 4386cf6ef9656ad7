"""How many chats and offline messages one client may start without signing in: at most
``MAX_ANONYMOUS`` in ``WINDOW`` seconds per account and client network (an IPv6 client:
its /64, helpdesk.client_address), so an open chat form is no way to fill the queue or
the ticket list. Signed-in end users are not counted here (they are people the account
knows). Counted in the cache: a cache that is down counts nothing and refuses nothing,
as the other courtesies of the chat (chat.presence)."""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

MAX_ANONYMOUS = 5
WINDOW = 10 * 60


def anonymous_start_allowed(account_id: int, client: str) -> bool:
    """Count one more start by ``client``; False once it is over the limit."""
    key = f"chat:anon:{account_id}:{client}"
    try:
        if cache.add(key, 1, WINDOW):
            return True
        return cache.incr(key) <= MAX_ANONYMOUS
    except ValueError:  # expired between add and incr: a new window
        return True
    except Exception:  # noqa: BLE001 - degrade: see the module docstring
        logger.warning("Chat throttle unavailable", exc_info=True)
        return True
