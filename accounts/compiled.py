"""Querysets compiled once per process, for the few reads every agent page repeats with the
same shape (issue 17).

Building and compiling a queryset costs the ORM 1.5-2.5 ms of CPU when the filters carry
subqueries (the agent's views: shared, of their groups, their own; the macros they may
apply), as much as the rows it returns cost to read. The SQL of such a read is a function
of a few values (the account, the viewer and their role) and of nothing in the database:
``rows(key, build)`` compiles ``build()`` the first time ``key`` is seen (on the
connection the model reads from) and afterwards runs the remembered SQL with its
parameters, returning model instances as the queryset would.

The rules stay in the selectors (``build`` is the selector's queryset, scoped to the
account as ever; row-level security binds the statement like any other). ``key`` must
name everything the SQL depends on, and nothing that changes with time ("now" as a
parameter, a view's conditions) may be cached here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

MAX_ENTRIES = 4096  # bounded: (account, viewer, role) keys of one process

_compiled: OrderedDict[tuple, tuple[str, tuple]] = OrderedDict()


def rows[M: Model](model: type[M], key: Hashable, build: Callable[[], QuerySet[M]]) -> list[M]:
    """``list(build())``, with ``build()``'s SQL compiled only the first time for ``key``
    (see the module's docstring). ``build()`` must return plain model rows of ``model``
    (no select_related or prefetch, which raw SQL does not redo)."""
    alias = router.db_for_read(model)
    full_key = (alias, connections[alias].vendor, model._meta.label, key)
    entry = _compiled.get(full_key)
    if entry is None:
        queryset = build()
        if queryset.query.is_empty():  # .none(): nothing to run, nothing to remember
            return []
        if queryset.query.select_related or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]  # Django's own attribute
            raise ValueError("compiled.rows() runs plain rows: no select_related or prefetch")
        queryset._require_scope()  # type: ignore[attr-defined]  # TenantQuerySet: scoped or refused
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
        entry = (sql, tuple(params))
        _compiled[full_key] = entry
        if len(_compiled) > MAX_ENTRIES:
            _compiled.popitem(last=False)
    sql, params = entry
    manager: Any = model._default_manager
    return list(manager.raw(sql, params, using=alias))


# Stand-ins for the ids a read is compiled with (no row has a negative id): each must come
# back as a parameter of its own, where the real id then goes.
_SENTINELS = tuple(-987_654_321_000 - i for i in range(8))


def value_rows(
    model: type[Model], key: Hashable, build: Callable[..., QuerySet], ids: tuple[int, ...]
) -> list[tuple]:
    """``list(build(*ids))`` for a ``values_list()`` queryset (tuples, in its column
    order), its SQL compiled once per ``key`` with stand-in ids and run afterwards with
    ``ids`` in their places. For reads whose only per-request values are ids (a ticket,
    an agent): their compiling was most of their cost on the ticket page (issue 17).
    ``key`` names everything else the SQL depends on (the account). A read whose SQL
    does not carry each stand-in as a parameter is run as built, never cached; so is
    any read off PostgreSQL (no database converters are applied here: PostgreSQL's
    columns, booleans and timestamps need none)."""
    alias = router.db_for_read(model)
    if connections[alias].vendor != "postgresql":
        return list(build(*ids))
    full_key = (alias, connections[alias].vendor, model._meta.label, "values", key)
    entry = _compiled.get(full_key)
    if entry is None:
        stand_ins = _SENTINELS[: len(ids)]
        queryset = build(*stand_ins)
        if hasattr(queryset, "_require_scope"):
            queryset._require_scope()  # TenantQuerySet: scoped or refused
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
        places = [stand_ins.index(p) if p in stand_ins else -1 for p in params]
        if sorted({p for p in places if p >= 0}) != list(range(len(ids))):
            return list(build(*ids))
        entry = (sql, tuple(places) + tuple(params))  # places, then the compiled values
        _compiled[full_key] = entry
        if len(_compiled) > MAX_ENTRIES:
            _compiled.popitem(last=False)
    sql, stored = entry
    half = len(stored) // 2
    where, compiled_params = stored[:half], stored[half:]
    values = [ids[p] if p >= 0 else v for p, v in zip(where, compiled_params, strict=True)]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, values)
        found: list[tuple] = cursor.fetchall()
    return found
