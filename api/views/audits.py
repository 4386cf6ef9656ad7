"""/api/v2/tickets/{id}/audits…: a ticket's change sets in Zendesk's audit shape (built
by api.audits from the ticket's history). Agents only, as in Zendesk; the ticket is
resolved through tickets.access like every other ticket URL, so another account's
number is 404.

A ticket's history is read whole (three queries whatever its length) and paged here:
the change sets are only known once the rows are grouped."""

from __future__ import annotations

from rest_framework.response import Response

from api.audits import Audit, audits_json, audits_of, history_rows
from api.errors import not_found
from api.pagination import MAX_PER_PAGE, _int, decode_cursor, encode_cursor, page_url, uses_cursor
from api.views.base import ApiView, query_param
from tickets.access import ticket_for_agent


def _ticket_audits(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    return ticket, audits_of(history_rows(ticket, viewer=request.user))


class TicketAudits(ApiView):
    def get(self, request, number):
        ticket, audits = _ticket_audits(request, number)
        if query_param(request, "sort_order") == "desc":
            audits.reverse()
        page, envelope = _page(request, audits)
        return Response({"audits": audits_json(page, ticket, request), **envelope})


class TicketAuditDetail(ApiView):
    def get(self, request, number, audit_id):
        ticket, audits = _ticket_audits(request, number)
        found = [a for a in audits if a.id == audit_id]
        if not found:
            return not_found()
        return Response({"audit": audits_json(found, ticket, request)[0]})


def _page(request, audits: list[Audit]) -> tuple[list[Audit], dict]:
    """Zendesk's two styles, as api.pagination gives them for querysets: offset
    (``page``, ``per_page``) and cursor (``page[size]``, ``page[after]``/``page[before]``
    holding an audit id)."""
    params = request.query_params
    if not uses_cursor(request):
        per_page = _int(params.get("per_page"), MAX_PER_PAGE, high=MAX_PER_PAGE)
        number = _int(params.get("page"), 1, high=10_000)
        start = (number - 1) * per_page
        has_next = start + per_page < len(audits)
        return audits[start : start + per_page], {
            "count": len(audits),
            "next_page": page_url(request, page=number + 1, per_page=per_page)
            if has_next
            else None,
            "previous_page": page_url(request, page=number - 1, per_page=per_page)
            if number > 1
            else None,
        }
    size = _int(params.get("page[size]"), MAX_PER_PAGE, high=MAX_PER_PAGE)
    ids = [a.id for a in audits]
    after, before = params.get("page[after]"), params.get("page[before]")
    if before:
        end = _position(ids, decode_cursor(before))
        start = max(end - size, 0)
    else:
        start = _position(ids, decode_cursor(after)) + 1 if after else 0
        end = start + size
    rows = audits[start:end]
    more_after, more_before = end < len(audits), start > 0
    first = encode_cursor(rows[0].id) if rows else None
    last = encode_cursor(rows[-1].id) if rows else None
    return rows, {
        "meta": {"has_more": more_after, "after_cursor": last, "before_cursor": first},
        "links": {
            "next": page_url(request, **{"page[after]": last, "page[before]": None})
            if more_after and last
            else None,
            "prev": page_url(request, **{"page[before]": first, "page[after]": None})
            if more_before and first
            else None,
        },
    }


def _position(ids: list[int], audit_id: int) -> int:
    """Where a cursor's audit is (or would be: the order may be either way)."""
    if audit_id in ids:
        return ids.index(audit_id)
    return len(ids)
