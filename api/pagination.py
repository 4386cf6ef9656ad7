"""Both of Zendesk's pagination styles, with absolute links on the request's own host.

- Offset: ``?page=2&per_page=50`` → ``next_page``, ``previous_page``, ``count``.
- Cursor: ``?page[size]=50&page[after]=<cursor>`` → ``meta: {has_more, after_cursor,
  before_cursor}`` and ``links: {next, prev}``. Cursors are opaque; they encode the
  per-account number of the row they stop at.

Malformed values fall back to defaults (clients such as zenpy send ``None`` for
parameters they do not use); only a cursor that cannot be decoded is an error.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from django.db.models import QuerySet
from rest_framework.exceptions import ParseError

MAX_PER_PAGE = 100


def _int(value, default: int, *, low: int = 1, high: int | None = None) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    if number < low:
        return default
    return min(number, high) if high else number


def encode_cursor(number: int) -> str:
    return base64.urlsafe_b64encode(f"n:{number}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = raw.partition(":")
        if kind != "n":
            raise ValueError(raw)
        return int(number)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError("Invalid pagination cursor.") from exc


def page_url(request, **params) -> str:
    query = request._request.GET.copy()
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    path = request._request.path
    return request._request.build_absolute_uri(f"{path}?{query.urlencode()}" if query else path)


@dataclass
class Page:
    objects: list
    envelope: dict = field(default_factory=dict)


def uses_cursor(request) -> bool:
    return any(key in request.query_params for key in ("page[size]", "page[after]", "page[before]"))


def paginate(request, qs: QuerySet, *, key: str = "number") -> Page:
    """One page of ``qs``; cursor pagination walks ``key`` (a unique, ascending column)."""
    if uses_cursor(request):
        return _cursor_page(request, qs, key)
    return _offset_page(request, qs)


def _offset_page(request, qs: QuerySet) -> Page:
    params = request.query_params
    per_page = _int(params.get("per_page"), MAX_PER_PAGE, high=MAX_PER_PAGE)
    page = _int(params.get("page"), 1, high=10_000)
    start = (page - 1) * per_page
    count = qs.count()
    objects = list(qs[start : start + per_page])
    has_next = start + per_page < count
    return Page(
        objects,
        {
            "next_page": page_url(request, page=page + 1, per_page=per_page) if has_next else None,
            "previous_page": page_url(request, page=page - 1, per_page=per_page)
            if page > 1
            else None,
            "count": count,
        },
    )


def _cursor_page(request, qs: QuerySet, key: str) -> Page:
    params = request.query_params
    size = _int(params.get("page[size]"), MAX_PER_PAGE, high=MAX_PER_PAGE)
    after, before = params.get("page[after]"), params.get("page[before]")
    if before:
        rows = list(
            qs.filter(**{f"{key}__lt": decode_cursor(before)}).order_by(f"-{key}")[: size + 1]
        )
        has_more = len(rows) > size
        rows = list(reversed(rows[:size]))
    else:
        if after:
            qs = qs.filter(**{f"{key}__gt": decode_cursor(after)})
        rows = list(qs.order_by(key)[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]
    first = encode_cursor(getattr(rows[0], key)) if rows else None
    last = encode_cursor(getattr(rows[-1], key)) if rows else None
    more_after = has_more if not before else True
    more_before = bool(after) if not before else has_more
    return Page(
        rows,
        {
            "meta": {
                "has_more": more_after and last is not None,
                "after_cursor": last,
                "before_cursor": first,
            },
            "links": {
                "next": page_url(request, **{"page[after]": last, "page[before]": None})
                if last and more_after
                else None,
                "prev": page_url(request, **{"page[before]": first, "page[after]": None})
                if first and more_before
                else None,
            },
        },
    )
