"""Short-lived chat signals kept in the cache, never in the database: whether an end
user has a help-center page open (its chat widget beats every ~20 s), and who is typing
in a chat. Like tickets.presence, a courtesy: a cache that is down says "offline" and
"nobody is typing", and the page carries on."""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

ONLINE_TTL = 60  # three missed beats and the visitor is offline
TYPING_TTL = 6  # a typing indicator fades unless renewed


def _online_key(account_id: int, user_id: int) -> str:
    return f"chat:online:{account_id}:{user_id}"


def _typing_key(account_id: int, chat_id: int, side: str) -> str:
    return f"chat:typing:{account_id}:{chat_id}:{side}"


def visitor_seen(account_id: int, user_id: int) -> None:
    try:
        cache.set(_online_key(account_id, user_id), 1, ONLINE_TTL)
    except Exception:  # noqa: BLE001 - presence degrades silently (module docstring)
        logger.warning("Chat presence unavailable", exc_info=True)


def visitor_online(account_id: int, user_id: int) -> bool:
    try:
        return bool(cache.get(_online_key(account_id, user_id)))
    except Exception:  # noqa: BLE001
        logger.warning("Chat presence unavailable", exc_info=True)
        return False


def typing_set(account_id: int, chat_id: int, side: str, name: str) -> None:
    """``side`` is "visitor" or "agent"; ``name`` is what the other side is shown."""
    try:
        cache.set(_typing_key(account_id, chat_id, side), name, TYPING_TTL)
    except Exception:  # noqa: BLE001
        logger.warning("Chat presence unavailable", exc_info=True)


def typing_clear(account_id: int, chat_id: int, side: str) -> None:
    """``side`` sent their message: they are no longer typing it."""
    try:
        cache.delete(_typing_key(account_id, chat_id, side))
    except Exception:  # noqa: BLE001
        logger.warning("Chat presence unavailable", exc_info=True)


def typing_of(account_id: int, chat_id: int, side: str) -> str:
    """The name of whoever on ``side`` is typing now, or ""."""
    try:
        return cache.get(_typing_key(account_id, chat_id, side)) or ""
    except Exception:  # noqa: BLE001
        logger.warning("Chat presence unavailable", exc_info=True)
        return ""
