"""The admins' audit log: who did what, when, from where.

``audit_record`` is called by the services that change an account (settings, roles,
users, sessions, exports, deletions), inside their own transaction: the entry is written
if and only if the change is. Where the request came from is not a service's argument:
``accounts.identity_middleware`` puts the client's address in a context variable for the request,
which a task or a command leaves empty.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db.models import Model

from accounts.identity_models import AuditEntry
from accounts.models import Account, User

_client_ip: contextvars.ContextVar[str] = contextvars.ContextVar("audit_client_ip", default="")

# Values longer than this are cut in a summary (a note, a long list of file types).
MAX_VALUE_CHARS = 200


@contextmanager
def client_ip(address: str) -> Iterator[None]:
    token = _client_ip.set(address)
    try:
        yield
    finally:
        _client_ip.reset(token)


def _plain(value: Any) -> Any:
    """A value as the summary keeps it: a row by its name, text cut short."""
    if isinstance(value, Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """``{field: [before, after]}`` for the fields whose value changed."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if _plain(before.get(name)) != _plain(value)
    }


def audit_record(
    *,
    account: Account,
    actor: User | None,
    action: str,
    target: object = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """One entry, in the caller's transaction (call it from inside the service's)."""
    return AuditEntry.objects.create(
        account=account,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=f"{actor.name} <{actor.email}>" if actor is not None else "",
        action=action,
        target=_plain(target) if target else "",
        changes={k: v for k, v in (changes or {}).items()},
        ip=_client_ip.get(),
    )
