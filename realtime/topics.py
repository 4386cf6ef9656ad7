"""Which topics a user may subscribe to. Each app registers the topic prefixes it
publishes on, with the rule that decides who may hear them (its own ``access`` rules);
a topic no app registered is refused. The socket consumer asks ``may_subscribe`` for
every subscription, with the account its connection resolved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# prefix -> rule(user, account, rest_of_topic) -> bool
TopicRule = Callable[[Any, Any, str], bool]
_RULES: dict[str, TopicRule] = {}


def register(prefix: str, rule: TopicRule) -> None:
    """Topics ``<prefix>`` and ``<prefix>:<rest>`` are decided by ``rule``."""
    _RULES[prefix] = rule


def may_subscribe(user: Any, account: Any, topic: str) -> bool:
    prefix, _, rest = topic.partition(":")
    rule = _RULES.get(prefix)
    if rule is None or account is None or user is None:
        return False
    try:
        return bool(rule(user, account, rest))
    except Exception:  # noqa: BLE001 - a rule that fails refuses
        return False
