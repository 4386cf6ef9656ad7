"""Counts and pages that cost the same at a hundred tickets and at a million.

- ``capped_counts``: several counts in one query, each exact up to a cap and shown as
  "1000+" beyond it (each reads at most cap + 1 index entries);
- ``TicketPaginator``: exact counts when small, the planner's estimate (shown as
  "about 120,000") when huge; deep pages read their ids first (an index-only scan),
  then only the rows of the page, instead of fetching every skipped row.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext

NAV_CAP = 1000
EXACT_UP_TO = 10_000
DEFERRED_JOIN_FROM = 500  # rows skipped before a page switches to ids-first


class CappedCount(int):
    """At least this many: printed "1000+"."""

    def __str__(self) -> str:
        return gettext("%(count)s+") % {"count": number_format(int(self), force_grouping=True)}


class EstimatedCount(int):
    """The planner's estimate of a huge count: printed "about 120,000"."""

    def __str__(self) -> str:
        return gettext("about %(count)s") % {"count": number_format(int(self), force_grouping=True)}


def capped_counts(querysets: dict[str, QuerySet], *, cap: int | None = None) -> dict[str, int]:
    """{key: count} for each queryset, in one query; counts over ``cap`` (NAV_CAP unless
    given) are CappedCount."""
    cap = NAV_CAP if cap is None else cap
    if not querysets:
        return {}
    parts, params = [], []
    for index, qs in enumerate(querysets.values()):
        sql, qs_params = qs.order_by().values("pk")[: cap + 1].query.sql_with_params()
        # The SQL is the ORM's own, its values still parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{index})")  # noqa: S608
        params.extend(qs_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {
        key: CappedCount(cap) if value > cap else value
        for key, value in zip(querysets, row, strict=True)
    }


def estimated_count(qs: QuerySet) -> int:
    """The planner's row estimate for ``qs`` (PostgreSQL; elsewhere an exact count)."""
    if connection.vendor != "postgresql":
        return qs.count()
    plan = json.loads(qs.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class TicketPaginator(Paginator):
    """A Paginator whose count stays cheap at any size (exact up to EXACT_UP_TO, then
    estimated and labelled so) and whose deep pages do not fetch the rows they skip."""

    @cached_property
    def count(self) -> int:
        exact = capped_counts({"n": self.object_list}, cap=EXACT_UP_TO)["n"]
        if not isinstance(exact, CappedCount):
            return exact
        return EstimatedCount(max(estimated_count(self.object_list), EXACT_UP_TO + 1))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if bottom < DEFERRED_JOIN_FROM:
            return self._get_page(self.object_list[bottom:top], number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
