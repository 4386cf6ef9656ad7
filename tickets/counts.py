"""Counts and pages that cost the same at a hundred tickets and at a million.

- ``capped_counts``: several counts in one query, each exact up to a cap and shown as
  "1000+" beyond it (each reads at most cap + 1 index entries);
- ``TicketPaginator``: exact counts when small, the planner's estimate (shown as
  "about 120,000") when huge. Previous and Next walk by keyset (``tickets.keyset``): a
  page's links carry a cursor, so page 2,000 reached by Next costs what page 1 does. A
  page asked for by number alone (a bookmark, a hand-typed ?page=) is cut by offset, its
  ids read first (an index-only scan), then only the rows of the page.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection, connections, router
from django.db.models import Model, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext

from tickets import keyset

NAV_CAP = 1000
# A view's count (the API's views/count.json): exact up to here, then "10k+" (issue 18).
VIEW_COUNT_CAP = 10_000
# The sidebar's badges: exact up to here, then "1,000+" (issue 17's steering decision; the
# list page's own count stays exact to EXACT_UP_TO). Each reads at most 1,001 entries.
SIDEBAR_COUNT_CAP = 1_000
EXACT_UP_TO = 10_000
DEFERRED_JOIN_FROM = 500  # rows skipped before a page switches to ids-first


class CappedCount(int):
    """At least this many: printed "1,000+", and thousands from ten thousand as "10k+"."""

    def __str__(self) -> str:
        value = int(self)
        if value >= 10_000 and value % 1000 == 0:
            return gettext("%(count)sk+") % {"count": number_format(value // 1000)}
        return gettext("%(count)s+") % {"count": number_format(value, force_grouping=True)}


class EstimatedCount(int):
    """The planner's estimate of a huge count: printed "about 120,000"."""

    def __str__(self) -> str:
        return gettext("about %(count)s") % {"count": number_format(int(self), force_grouping=True)}


def capped_counts(querysets: dict[Any, QuerySet], *, cap: int | None = None) -> dict[Any, int]:
    """{key: count} for each queryset, in one query; counts over ``cap`` (NAV_CAP unless
    given) are CappedCount."""
    cap = NAV_CAP if cap is None else cap
    if not querysets:
        return {}
    sql, params = _capped_counts_sql(querysets, cap)
    # On the connection the querysets read from (the replica, for a page that opted in).
    alias = next(iter(querysets.values())).db
    return _run_capped(alias, sql, params, list(querysets), cap)


def _capped_counts_sql(querysets: dict[Any, QuerySet], cap: int) -> tuple[str, list[Any]]:
    parts: list[str]
    params: list[Any]
    parts, params = [], []
    for index, qs in enumerate(querysets.values()):
        sql, qs_params = qs.order_by().values("pk")[: cap + 1].query.sql_with_params()
        # The SQL is the ORM's own, its values still parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{index})")  # noqa: S608
        params.extend(qs_params)
    return "SELECT " + ", ".join(parts), params


def _run_capped(alias: str, sql: str, params: list[Any], keys: list, cap: int) -> dict[Any, int]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {
        key: CappedCount(cap) if value > cap else value
        for key, value in zip(keys, row, strict=True)
    }


COMPILED_MAX = 4096  # (account, viewer, views) keys of one process
_compiled_counts: OrderedDict[tuple, tuple[str, list[Any], list]] = OrderedDict()


def capped_counts_compiled(
    key: Hashable, model: type[Model], build: Callable[[], dict[Any, QuerySet]], *, cap: int
) -> dict[Any, int]:
    """capped_counts(build(), cap=cap) with the statement compiled once per ``key`` and
    process: ``key`` must name everything the querysets' SQL depends on (their keys
    included), and nothing in it may depend on the time. Compiling a sidebar's views
    cost ~2 ms of CPU a page (issue 17)."""
    alias = router.db_for_read(model)
    full_key = (alias, connections[alias].vendor, cap, key)
    entry = _compiled_counts.get(full_key)
    if entry is None:
        querysets = build()
        if not querysets or any(qs.db != alias for qs in querysets.values()):
            return capped_counts(querysets, cap=cap)
        sql, params = _capped_counts_sql(querysets, cap)
        entry = _compiled_counts[full_key] = (sql, params, list(querysets))
        if len(_compiled_counts) > COMPILED_MAX:
            _compiled_counts.popitem(last=False)
    sql, params, keys = entry
    return _run_capped(alias, sql, params, keys, cap)


def estimated_count(qs: QuerySet) -> int:
    """The planner's row estimate for ``qs`` (PostgreSQL; elsewhere an exact count)."""
    if connection.vendor != "postgresql":
        return qs.count()
    plan = json.loads(qs.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class TicketPaginator(Paginator):
    """A Paginator whose count stays cheap at any size (exact up to EXACT_UP_TO, then
    estimated and labelled so), whose Previous/Next links seek by keyset, and whose
    numbered deep pages do not fetch the rows they skip."""

    object_list: QuerySet[Any]

    def __init__(self, object_list: QuerySet, per_page: int, **kwargs):
        self.columns = keyset.columns_of(object_list)
        if self.columns:
            object_list = keyset.ordered(object_list, self.columns)
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        exact = capped_counts({"n": self.object_list}, cap=EXACT_UP_TO)["n"]
        if not isinstance(exact, CappedCount):
            return exact
        return EstimatedCount(max(estimated_count(self.object_list), EXACT_UP_TO + 1))

    def get_page(self, number, cursor: str | None = None) -> TicketPage:
        """The page the cursor of a Previous/Next link points at, numbered ``number``;
        without a usable cursor, page ``number`` by offset (Django's get_page)."""
        decoded = keyset.decode(cursor, self.columns) if cursor and self.columns else None
        page = self._seek(_label(number), *decoded) if decoded else None
        return page or super().get_page(number)  # type: ignore[return-value]  # _get_page makes TicketPages

    def _seek(self, number: int, direction: str, values: list) -> TicketPage | None:
        reverse = direction == keyset.BEFORE
        found = keyset.seek(self.object_list, self.columns, values, reverse=reverse)  # type: ignore[arg-type]  # decoded only with columns
        rows = list(found[: self.per_page + 1])
        more = len(rows) > self.per_page
        if not reverse:
            if not rows:
                return None  # nothing left past the cursor (those rows went): by number
            return TicketPage(rows[: self.per_page], number, self, more_after=more)
        if not more:
            return self.page(1)  # back at the start: page 1 as it is now, in full
        return TicketPage(rows[: self.per_page][::-1], number, self, more_after=True)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if bottom < DEFERRED_JOIN_FROM:
            return self._get_page(self.object_list[bottom:top], number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {
            row["id"] if isinstance(row, dict) else row.pk: row  # ``.values()`` rows: their id
            for row in self.object_list.filter(pk__in=ids)
        }
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    def _get_page(self, *args, **kwargs) -> TicketPage:
        return TicketPage(*args, **kwargs)


def _label(number) -> int:
    """The number a cursor's page shows: the one its link carried (a label, not an
    offset), at least 2, since a cursor only ever leads away from page 1."""
    try:
        return max(int(number), 2)
    except (TypeError, ValueError):
        return 2


class TicketPage(Page):
    """A page with the cursors of its Previous and Next links. A page reached by cursor
    knows whether more rows follow from having read one more; its number is the label
    its link carried, so the last number may run past the estimated count."""

    paginator: TicketPaginator

    def __init__(self, object_list, number, paginator, *, more_after: bool | None = None):
        super().__init__(object_list, number, paginator)
        self._more_after = more_after

    def has_next(self) -> bool:
        return super().has_next() if self._more_after is None else self._more_after

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return max(self.number - 1, 1)

    @property
    def last_page_number(self) -> int:
        return max(self.paginator.num_pages, self.number + self.has_next())

    @cached_property
    def next_cursor(self) -> str | None:
        columns = self.paginator.columns
        if not (columns and self.has_next() and len(self)):
            return None
        return keyset.encode(keyset.AFTER, self[-1], columns)

    @cached_property
    def previous_cursor(self) -> str | None:
        """None for page 1, reached by its plain link (newest rows as they are now)."""
        columns = self.paginator.columns
        if not (columns and self.number > 2 and len(self)):
            return None
        return keyset.encode(keyset.BEFORE, self[0], columns)
