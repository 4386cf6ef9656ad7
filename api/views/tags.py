"""/api/v2/tags.json (the account's tags with their counts) and
/api/v2/tickets/{id}/tags.json: GET lists, POST sets (replaces), PUT adds, DELETE
removes, each through api.tags (ticket_update), as Zendesk's Tags API does."""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_datetime
from rest_framework import status
from rest_framework.response import Response

from api.errors import RecordInvalid, update_conflict
from api.pagination import MAX_PER_PAGE, _int, page_url
from api.tags import tag_counts, tags_of, ticket_tags_change
from api.views.base import ApiView
from tickets.access import ticket_for_agent
from tickets.services.conflicts import TicketConflict


class TagList(ApiView):
    def get(self, request):
        params = request.query_params
        per_page = _int(params.get("per_page"), MAX_PER_PAGE, high=MAX_PER_PAGE)
        page = _int(params.get("page"), 1, high=10_000)
        rows, total = tag_counts(
            account=request.account, limit=per_page, offset=(page - 1) * per_page
        )
        return Response(
            {
                "tags": [{"name": name, "count": count} for name, count in rows],
                "count": total,
                "next_page": page_url(request, page=page + 1, per_page=per_page)
                if page * per_page < total
                else None,
                "previous_page": page_url(request, page=page - 1, per_page=per_page)
                if page > 1
                else None,
            }
        )


def _tags_input(data) -> tuple[list[str], dt.datetime | None]:
    """``{"tags": ["a", "b"]}`` (or ``"a, b"``), with Zendesk's optional safe update."""
    tags = data.get("tags") if isinstance(data, dict) else None
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise RecordInvalid({"tags": [{"description": "Expected a list of tag names."}]})
    stamp = None
    if str(data.get("safe_update", "")).lower() == "true":
        stamp = parse_datetime(str(data.get("updated_stamp") or ""))
        if stamp is None:
            raise RecordInvalid(
                {"updated_stamp": [{"description": "A safe update needs updated_stamp."}]}
            )
    return tags, stamp


class TicketTags(ApiView):
    def get(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        return Response({"tags": tags_of(ticket)})

    def _change(self, request, number, how: str, ok: int) -> Response:
        ticket = ticket_for_agent(viewer=request.user, number=number)
        tags, stamp = _tags_input(request.data)
        try:
            result = ticket_tags_change(
                ticket=ticket, actor=request.user, tags=tags, how=how, updated_stamp=stamp
            )
        except TicketConflict:
            return update_conflict()
        if ok == status.HTTP_204_NO_CONTENT:
            return Response(status=ok)
        return Response({"tags": result}, status=ok)

    def post(self, request, number):
        return self._change(request, number, "set", status.HTTP_201_CREATED)

    def put(self, request, number):
        return self._change(request, number, "add", status.HTTP_200_OK)

    def delete(self, request, number):
        return self._change(request, number, "remove", status.HTTP_204_NO_CONTENT)
