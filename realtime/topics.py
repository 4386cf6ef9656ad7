"""Which topics a socket may subscribe to. Each app registers the topic prefixes it
publishes on, with the rule that decides who may hear them (its own ``access`` rules);
a topic no app registered is refused. The socket consumer asks ``may_subscribe`` for
every subscription, with the account its host resolved and the user its session did.

A rule is ``rule(subscriber, rest) -> bool``: ``subscriber`` is a ``Subscriber`` (the
socket's user, its account, its session), ``rest`` the topic after ``<prefix>:``
("" for the bare prefix). It runs in a worker thread with the account set for the
database (row-level security), so it may read rows; an exception refuses.

Anonymous sockets (no session, or a session of nobody) reach only rules registered
with ``anonymous=True``: every other rule may take ``subscriber.user`` to be a signed-in
user of ``subscriber.account``. An anonymous rule identifies its visitor by what the
topic carries (a signed token: ``django.core.signing``) or by ``subscriber.session``
(the help center's session, the one the visitor's pages are served with)::

    def chat_visitor(subscriber: Subscriber, rest: str) -> bool:
        return rest in subscriber.session.get("chat_ids", [])

    register("chat-visitor", chat_visitor, anonymous=True)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import Account

# Letters, digits and ``_.-:`` (a signed token fits: django.core.signing's output is
# URL-safe base64 and colons), at most this long.
MAX_TOPIC_LENGTH = 200
TOPIC_PATTERN = re.compile(rf"[A-Za-z0-9_.:-]{{1,{MAX_TOPIC_LENGTH}}}")


@dataclass(frozen=True)
class Subscriber:
    """Who asks: ``user`` (a ``User`` of ``account``, or Django's ``AnonymousUser``), the
    ``account`` the socket's host names, and the socket's ``session`` (a SessionBase;
    empty for a socket without a session cookie)."""

    user: Any
    account: Account
    session: Any

    @property
    def is_anonymous(self) -> bool:
        return not self.user.is_authenticated


TopicRule = Callable[[Subscriber, str], bool]


@dataclass(frozen=True)
class _Registered:
    rule: TopicRule
    anonymous: bool


_RULES: dict[str, _Registered] = {}


def register(prefix: str, rule: TopicRule, *, anonymous: bool = False) -> None:
    """Topics ``<prefix>`` and ``<prefix>:<rest>`` are decided by ``rule``; anonymous
    sockets are refused before it is asked unless ``anonymous``."""
    if not TOPIC_PATTERN.fullmatch(prefix) or ":" in prefix:
        raise ValueError(f"Invalid topic prefix: {prefix!r}")
    _RULES[prefix] = _Registered(rule, anonymous)


def registered() -> dict[str, bool]:
    """Every registered prefix, and whether anonymous sockets may ask its rule (the
    security tests list them: tests/security/test_realtime_topics.py)."""
    return {prefix: entry.anonymous for prefix, entry in sorted(_RULES.items())}


def valid_topic(topic: object) -> bool:
    return isinstance(topic, str) and TOPIC_PATTERN.fullmatch(topic) is not None


def may_subscribe(user: Any, account: Any, topic: str, *, session: Any = None) -> bool:
    """Whether ``user`` (on ``account``'s host, with ``session``) may hear ``topic``.
    Refused: a malformed or unregistered topic, no account, a user of another account,
    an anonymous user where the rule is not for them, a rule that says no or fails."""
    if not valid_topic(topic) or account is None or user is None:
        return False
    prefix, _, rest = topic.partition(":")
    registered = _RULES.get(prefix)
    if registered is None:
        return False
    anonymous = not user.is_authenticated
    if anonymous and not registered.anonymous:
        return False
    if not anonymous and getattr(user, "account_id", None) != account.pk:
        return False
    if session is None:
        from django.contrib.sessions.backends.base import SessionBase

        session = SessionBase()
    try:
        return bool(registered.rule(Subscriber(user, account, session), rest))
    except Exception:  # noqa: BLE001 - a rule that fails refuses
        return False
