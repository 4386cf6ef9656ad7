"""Side-loads that other apps put on the API's tickets (``?include=<name>``), registered
from their AppConfig.ready, so the API imports none of them (servicelevels adds
``slas``). A provider takes a page of tickets and answers {ticket pk: value}, in a fixed
number of queries; each ticket's JSON gets the value under the provider's name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TicketInclude = Callable[[list[Any]], dict[int, Any]]
TICKET_INCLUDES: dict[str, TicketInclude] = {}


def register_ticket_include(name: str, provider: TicketInclude) -> None:
    TICKET_INCLUDES[name] = provider


def add_ticket_includes(requested: str, tickets: list[Any], items: list[dict]) -> None:
    """Put the registered side-loads named in ``requested`` (the ``include`` parameter,
    comma-separated) on ``items``, the JSON of ``tickets`` in the same order."""
    names = {part.strip() for part in requested.split(",")}
    for name, provider in TICKET_INCLUDES.items():
        if name in names:
            values = provider(tickets)
            for ticket, item in zip(tickets, items, strict=True):
                item[name] = values.get(ticket.pk)
