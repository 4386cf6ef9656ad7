"""Rows an admin orders by hand (triggers, automations): one step up or down."""

from __future__ import annotations

from django.db.models import Model, QuerySet


def move_one_step(rows: QuerySet, item: Model, direction: str) -> None:
    """Swap ``item`` with its neighbour above ("up") or below ("down") among ``rows`` (in
    their ``position`` order, locked), renumbering 1..n on the way so gaps and ties from
    older data disappear."""
    ordered = list(rows.select_for_update())
    index = next(i for i, row in enumerate(ordered) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
