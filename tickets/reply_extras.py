"""What other apps record with a reply: the reply box and the API send more than the
comment (the time spent, seed 002, in the timeworked app, which sits above tickets), so
those apps register a handler at start-up (AppConfig.ready) instead of tickets importing
them. ticket_reply runs every handler inside its transaction, after the comment: a
handler that raises (ValidationError) undoes the whole reply."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from accounts.models import User
from tickets.models import Comment, Ticket

Handler = Callable[[Ticket, User, Comment, Mapping[str, Any]], None]
HANDLERS: list[Handler] = []


def register_reply_handler(handler: Handler) -> None:
    if handler not in HANDLERS:
        HANDLERS.append(handler)


def run_reply_handlers(
    ticket: Ticket, actor: User, comment: Comment, extras: Mapping[str, Any]
) -> None:
    for handler in HANDLERS:
        handler(ticket, actor, comment, extras)
