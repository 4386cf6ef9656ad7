"""Seed 003's rule "Close vs Explain & Close": while the account's
``close_requires_explanation`` is on, an agent's change to Closed, by any road (the
sidebar, a reply's "Submit as", the bulk update, the API), is refused unless it comes
through Explain & Close (closing.services.ticket_explain_and_close), which records the
reason, the root cause and the explanation first. The system's own closing (automations
closing solved tickets after days, ``actor=None``) is not an agent's and goes on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext as _

from accounts.models import User
from tickets.models import Ticket
from tickets.services.common import NotAllowed

_explained: ContextVar[bool] = ContextVar("close_explained", default=False)


@contextmanager
def close_explained() -> Iterator[None]:
    """The block closes a ticket with its explanation recorded (Explain & Close only)."""
    token = _explained.set(True)
    try:
        yield
    finally:
        _explained.reset(token)


def check_close_explained(ticket: Ticket, actor: User | None, changes: dict) -> None:
    if actor is None or "status" not in changes or ticket.status != Ticket.Status.CLOSED:
        return
    if _explained.get():
        return
    if ticket.account.close_requires_explanation:
        raise NotAllowed(
            _("Closing needs a reason, a comment and a root cause: use Explain & Close.")
        )
