"""Who else has a ticket open: each agent's page sends a heartbeat every ~10 s
(htmx polling, no new server type) and reads back the others. The state is one
cache entry per ticket (Redis in production, so every web process sees the same;
locmem in ``make run``, per process, which is fine for one), each viewer in it until
PRESENCE_TTL seconds after their last beat. Presence is a courtesy: a cache that is
down or slow makes the list empty, never the page fail.

Two beats at the same moment from two processes can overwrite each other's entry
(read-modify-write without a lock): the one lost reappears at its next beat, 10 s
later, which costs less than a lock on every beat."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

from accounts.models import User
from tickets.models import Ticket

logger = logging.getLogger(__name__)

PRESENCE_TTL = 30  # three missed beats and the viewer is gone
HEARTBEAT_SECONDS = 10
SHOWN = 5  # avatars shown side by side; the rest in a drop-down


@dataclass(frozen=True)
class Viewer:
    number: int
    name: str
    typing: bool
    me: bool = False

    @property
    def initials(self) -> str:
        parts = self.name.split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"


def _key(ticket: Ticket) -> str:
    # Ids, never numbers: a ticket number repeats across accounts.
    return f"presence:{ticket.account_id}:{ticket.pk}"


def tickets_being_viewed(tickets: list[Ticket], *, viewer_number: int | None) -> set[int]:
    """The ids of those of ``tickets`` someone other than the viewer has open now: the
    lists' marker. One cache round trip for the whole page (get_many), none per row; a
    cache that is down marks nothing."""
    return ids_being_viewed([(t.account_id, t.pk) for t in tickets], viewer_number=viewer_number)


def ids_being_viewed(tickets: list[tuple[int, int]], *, viewer_number: int | None) -> set[int]:
    """tickets_being_viewed of (account id, ticket id) pairs (the list's values rows)."""
    keys = {f"presence:{account_id}:{pk}": pk for account_id, pk in tickets}
    if not keys:
        return set()
    try:
        found = cache.get_many(list(keys))
    except Exception:  # noqa: BLE001 - presence degrades silently (module docstring)
        logger.warning("Presence unavailable", exc_info=True)
        return set()
    now = time.time()
    return {
        keys[key]
        for key, entries in found.items()
        if any(v[0] > now and number != viewer_number for number, v in (entries or {}).items())
    }


def presence_beat(*, ticket: Ticket, user: User, typing: bool) -> list[Viewer]:
    """Record that ``user`` has ``ticket`` open now (and whether they are typing a
    reply), and return who has it open: the user first, then the others in the order
    they came. Two cache round trips."""
    now = time.time()
    me: int = user.number  # type: ignore[assignment]  # an agent always has a number
    try:
        entries = cache.get(_key(ticket)) or {}
        entries = {k: v for k, v in entries.items() if v[0] > now}
        first_seen = entries.get(me, (0, "", False, now))[3]
        entries[me] = (now + PRESENCE_TTL, user.name, typing, first_seen)
        cache.set(_key(ticket), entries, timeout=PRESENCE_TTL)
    except Exception:  # noqa: BLE001 - presence degrades silently (module docstring)
        logger.warning("Presence unavailable", exc_info=True)
        entries = {me: (now + PRESENCE_TTL, user.name, typing, now)}
    others = sorted(
        ((v[3], number, v) for number, v in entries.items() if number != me),
    )
    return [Viewer(number=me, name=user.name, typing=typing, me=True)] + [
        Viewer(number=number, name=v[1], typing=v[2]) for _, number, v in others
    ]


def viewers_state(viewers: list[Viewer]) -> str:
    """What the presence fragment shows, in a few characters: the page sends it back with
    its next beat, and a beat that would show the same is answered with no fragment."""
    return ".".join(f"{v.number}{'t' if v.typing else ''}" for v in viewers)
