"""Keyset ("seek") pages: the rows after the last row seen, or before the first, in a
queryset's own order, read from an index as cheaply at page 2,000 as at page 1, and
without the skipped or repeated rows an offset gives when the list moves between clicks.

A cursor is the ordering's values of one row (and which way to go from it), in a short
URL-safe token. It carries no permission: it only narrows a queryset the caller has
already scoped, so a forged one can show nothing the viewer could not page to; one that
does not fit the ordering (edited by hand, another sort) decodes to None.

NULLs sort as PostgreSQL sorts them by default, after every value going up and first
going down; the ordering is written out so SQLite (``make run``) agrees.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import and_, or_
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Field, Model, Q, QuerySet

AFTER, BEFORE = "a", "b"


@dataclass(frozen=True)
class Column:
    """One term of the ordering: a field path ("requester__name"), its direction, and
    whether a NULL can show up in it (a nullable field or a nullable relation on the way)."""

    path: str
    descending: bool
    nullable: bool
    field: Field

    def order_by(self, *, reverse: bool = False):
        descending = self.descending != reverse
        if not self.nullable:
            return f"-{self.path}" if descending else self.path
        # A NULL counts as larger than any value, as PostgreSQL's default.
        if descending:
            return F(self.path).desc(nulls_first=True)
        return F(self.path).asc(nulls_last=True)

    def value_of(self, row: Model | dict):
        if isinstance(row, dict):  # a ``.values()`` row holding the ordering's paths
            return row[self.path]
        value: Any = row
        for part in self.path.split("__"):
            # A missing reverse one-to-one (a ticket without SLA state) reads as NULL.
            value = getattr(value, part, None)
            if value is None:
                return None
        return value.pk if isinstance(value, Model) else value

    def beyond(self, value, *, reverse: bool) -> Q:
        """Rows strictly past ``value`` in this column's order (reversed: before it)."""
        descending = self.descending != reverse
        if value is None:
            # NULL is the largest: nothing lies beyond it going up; going down, every value.
            return Q(**{f"{self.path}__isnull": False}) if descending else Q(pk__in=[])
        if descending:
            return Q(**{f"{self.path}__lt": value})
        past = Q(**{f"{self.path}__gt": value})
        return past | Q(**{f"{self.path}__isnull": True}) if self.nullable else past

    def level(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.path}__isnull": True})
        return Q(**{self.path: value})

    def at_or_beyond(self, value, *, reverse: bool) -> Q | None:
        """The same bound as ``beyond`` with ties kept, for the leading column only: a
        plain range PostgreSQL can start an index scan from (the OR of the full condition
        is not one)."""
        if self.nullable or value is None:
            return None
        descending = self.descending != reverse
        return Q(**{f"{self.path}__{'lte' if descending else 'gte'}": value})


def columns_of(qs: QuerySet) -> list[Column] | None:
    """The ordering of ``qs`` as columns, or None when it is not a plain list of field
    paths ending in a unique one (then no keyset can walk it)."""
    columns = []
    for term in qs.query.order_by:
        if not isinstance(term, str):
            return None
        descending = term.startswith("-")
        path = term.lstrip("-")
        resolved = _resolve(qs.model, path)
        if resolved is None:
            return None
        field, nullable = resolved
        columns.append(Column(path, descending, nullable, field))
    if not columns or not _unique(columns[-1]):
        return None
    return columns


def _resolve(model: type[Model], path: str) -> tuple[Field, bool] | None:
    nullable = False
    field = None
    parts = path.split("__")
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field("id" if part == "pk" else part)
        except FieldDoesNotExist:
            return None
        nullable = nullable or field.null
        if field.is_relation:
            if index == len(parts) - 1:
                field = field.target_field  # type: ignore[union-attr]  # a relation's field
            else:
                model = field.related_model  # type: ignore[assignment]  # a relation's model
    return field, nullable  # type: ignore[return-value]  # a concrete field


def _unique(column: Column) -> bool:
    # The last term breaks ties: the primary key, or the per-account ticket number.
    return "__" not in column.path and (column.field.primary_key or column.path == "number")


def ordered(qs: QuerySet, columns: list[Column], *, reverse: bool = False) -> QuerySet:
    return qs.order_by(*(column.order_by(reverse=reverse) for column in columns))


def seek(qs: QuerySet, columns: list[Column], values: list, *, reverse: bool = False):
    """``qs`` from just past the row whose ordering values are ``values``: the rows
    after it, or (``reverse``) the rows before it, nearest first."""
    alternatives = []
    for index, column in enumerate(columns):
        ties = [columns[j].level(values[j]) for j in range(index)]
        alternatives.append(reduce(and_, ties, column.beyond(values[index], reverse=reverse)))
    condition = reduce(or_, alternatives)
    bound = columns[0].at_or_beyond(values[0], reverse=reverse)
    if bound is not None:
        condition = bound & condition
    return ordered(qs.filter(condition), columns, reverse=reverse)


def encode(direction: str, row: Model | dict, columns: list[Column]) -> str:
    values = []
    for column in columns:
        value = column.value_of(row)
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    raw = json.dumps([direction, *values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str, columns: list[Column]) -> tuple[str, list] | None:
    """(direction, values) of a cursor made for these columns, or None."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        direction, *values = json.loads(raw)
    except (ValueError, TypeError):  # bad base64, bad UTF-8, bad JSON, not a list
        return None
    if direction not in (AFTER, BEFORE) or len(values) != len(columns):
        return None
    typed: list[Any] = []
    for column, value in zip(columns, values, strict=True):
        if value is None:
            if not column.nullable:
                return None
            typed.append(None)
            continue
        if not isinstance(value, str | int) or isinstance(value, bool):
            return None
        try:
            value = column.field.to_python(value)
        except (ValidationError, ValueError, TypeError):
            return None
        if isinstance(value, datetime) and value.tzinfo is None:
            return None  # every instant of ours carries its offset
        typed.append(value)
    return direction, typed
