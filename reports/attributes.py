"""The report filters the rollups do not key (issue 26): a ticket's organization, a tag
and the values of the drop-down fields, as conditions on the tickets' own columns, each
served by an index at scale:

- organization: ``ticket_acct_org`` (account, organization, created_at);
- tag: ``ticket_tags_gin`` (tickets 0028: GIN over ``string_to_array(tags, ' ')``, the
  words of the space-separated tags), asked as ``string_to_array(tags, ' ') @> ARRAY[tag]``;
- drop-down value: ``ticket_custom_fields_gin`` (jsonb_path_ops), asked as
  ``custom_fields @> {"7": "value"}`` (customfields/values.py).

They hold the ticket as it is now, as the rollups' group, agent, channel, priority and
type do (reports.metrics): a ticket moved to another organization is reported under it.
"""

from __future__ import annotations

from typing import Protocol

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayContains  # type: ignore[attr-defined]
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value


class Attributes(Protocol):
    """What names the attributes: the page's Filters, the click-through's TicketQuery."""

    @property
    def organization_pk(self) -> int | None: ...

    @property
    def tag(self) -> str: ...

    @property
    def fields(self) -> tuple[tuple[int, str], ...]: ...


def _tag_q(tag: str, prefix: str) -> Q:
    column = f"{prefix}tags"
    if connection.vendor == "postgresql":
        words = Func(
            F(column),
            Value(" "),
            function="string_to_array",
            output_field=ArrayField(TextField()),
        )
        return Q(ArrayContains(words, [tag]))
    # SQLite (the embedded demo): the tags are kept space-separated and sorted.
    return (
        Q(**{column: tag})
        | Q(**{f"{column}__startswith": f"{tag} "})
        | Q(**{f"{column}__endswith": f" {tag}"})
        | Q(**{f"{column}__contains": f" {tag} "})
    )


def _field_q(number: int, value: str, prefix: str) -> Q:
    column = f"{prefix}custom_fields"
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__contains": {str(number): value}})
    return Q(**{f"{column}__{number}": value})


def attribute_q(filters: Attributes, prefix: str = "") -> Q:
    """The tickets (``prefix``: the path to a ticket, e.g. "ticket__") of the chosen
    organization, tag and drop-down values; Q() when none is chosen."""
    q = Q()
    if filters.organization_pk is not None:
        q &= Q(**{f"{prefix}organization_id": filters.organization_pk})
    if filters.tag:
        q &= _tag_q(filters.tag, prefix)
    for number, value in filters.fields:
        q &= _field_q(number, value, prefix)
    return q
