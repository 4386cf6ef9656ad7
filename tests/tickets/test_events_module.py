"""Convention: every signal the tickets app sends for the apps above it is defined in one
module, tickets/events.py. Two modules of signals (events.py and signals.py) had grown
side by side; a receiver had to guess which one held the signal it wanted."""

from __future__ import annotations

import ast
from pathlib import Path

from django.dispatch import Signal

from tickets import events

TICKETS = Path(events.__file__).resolve().parent


def _defines_a_signal(tree: ast.Module) -> list[int]:
    """Lines calling ``Signal(...)`` (or ``dispatch.Signal(...)``)."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "Signal")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Signal")
        )
    ]


def test_tickets_signals_are_defined_only_in_tickets_events():
    elsewhere = []
    for path in TICKETS.rglob("*.py"):
        if path == Path(events.__file__).resolve() or "migrations" in path.parts:
            continue
        for line in _defines_a_signal(ast.parse(path.read_text(), filename=str(path))):
            elsewhere.append(f"{path.relative_to(TICKETS.parent)}:{line}")
    assert elsewhere == [], f"tickets' signals belong in tickets/events.py: {elsewhere}"


def test_tickets_events_holds_every_signal_the_apps_above_receive():
    for name in (
        "ticket_changed",
        "tickets_changed_in_bulk",
        "tickets_deleting",
        "retention_expiring",
    ):
        assert isinstance(getattr(events, name), Signal), name
