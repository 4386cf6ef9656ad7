"""/api/v2/incremental/…: Zendesk's incremental exports, how data-sync connectors
(Airbyte, Fivetran, tap-zendesk, dlt) read a helpdesk. Admins only, as at Zendesk; at
most 10 calls a minute per account (Zendesk's documented limit), besides the account's
overall API budget. The paging rules are in api/selectors_incremental.py."""

from __future__ import annotations

import time

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from accounts.models import DeletedUser
from api import selectors_incremental as incremental
from api.pagination import page_url
from api.permissions import IsAdmin as AdminOnly
from api.serializers import output
from api.throttling import AccountRateThrottle
from api.views.base import ApiView, query_param
from tickets.models import DeletedTicket, TicketEvent

DEFAULT_PER_PAGE = 1000
# Zendesk: "start_time … must be more than one minute in the past".
MIN_AGE_SECONDS = 60


class InvalidValue(APIException):
    """Zendesk's 400 for a bad start_time or cursor: ``{"error": "InvalidValue", …}``."""

    status_code = status.HTTP_400_BAD_REQUEST


class IsAdmin(AdminOnly):
    message = "You do not have access to this page. Only admins may use incremental exports."


class IncrementalExportThrottle(AccountRateThrottle):
    """Zendesk: 10 requests a minute per account for the incremental exports (30 with
    its High Volume add-on). Counted apart from the overall budget, in the same cache."""

    def get_rate(self):
        return getattr(settings, "API_INCREMENTAL_RATE_LIMIT", "10/min")

    def get_cache_key(self, request, view):
        key = super().get_cache_key(request, view)
        return None if key is None else f"{key}:incremental"


def _invalid(description: str) -> Response:
    return Response(
        {"error": "InvalidValue", "description": description}, status=status.HTTP_400_BAD_REQUEST
    )


def _per_page(request) -> int:
    raw = query_param(request, "per_page")
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_PER_PAGE
    return max(1, min(value, incremental.MAX_PER_PAGE))


def _start_time(request) -> int | Response:
    raw = query_param(request, "start_time")
    if not raw:
        return _invalid("start_time is required.")
    try:
        value = int(raw)
    except ValueError:
        return _invalid("start_time must be a Unix epoch time in seconds.")
    if value < 0:
        return _invalid("start_time must not be negative.")
    if value > time.time() - MIN_AGE_SECONDS:
        return _invalid("Too recent start_time. Use a start_time older than 1 minute.")
    return value


class IncrementalView(ApiView):
    permission_classes = [IsAdmin]
    throttle_classes = [*ApiView.throttle_classes, IncrementalExportThrottle]


class CursorExport(IncrementalView):
    key = ""

    def rows_json(self, request, rows: list) -> list:
        raise NotImplementedError

    def page(self, request, key: incremental.Key) -> incremental.CursorPage:
        raise NotImplementedError

    def get(self, request):
        cursor = query_param(request, "cursor")
        if cursor:
            try:
                key = incremental.Key.decode(cursor)
            except incremental.BadCursor:
                return _invalid("Invalid cursor.")
        else:
            start = _start_time(request)
            if isinstance(start, Response):
                return start
            key = incremental.Key.start(start)
        page = self.page(request, key)
        after = page.after.encode() if page.after else None
        return Response(
            {
                self.key: self.rows_json(request, page.rows),
                "after_url": page_url(request, cursor=after, start_time=None) if after else None,
                "after_cursor": after,
                "before_url": None,
                "before_cursor": None,
                "end_of_stream": page.end_of_stream,
            }
        )


def _deleted_json(row: DeletedTicket, request) -> dict:
    return {
        "id": row.number,
        "url": output.absolute(request, f"/api/v2/tickets/{row.number}.json"),
        "subject": row.subject,
        "status": "deleted",
        "requester_id": row.requester_number,
        "created_at": output.timestamp(row.created_at),
        "updated_at": output.timestamp(row.updated_at),
        "generated_timestamp": int(row.updated_at.timestamp()),
    }


def _ticket_rows_json(request, rows: list) -> list:
    out = []
    for row in rows:
        if isinstance(row, DeletedTicket):
            out.append(_deleted_json(row, request))
        else:
            body = output.ticket_json(row, request)
            body["generated_timestamp"] = int(row.updated_at.timestamp())
            out.append(body)
    return out


class TicketCursorExport(CursorExport):
    """Tickets and deleted tickets, one (updated_at, id) order through both."""

    key = "tickets"

    def page(self, request, key):
        per_page = _per_page(request)
        account = request.account
        live = incremental.cursor_page(
            output.ticket_rows(
                incremental.tickets_changed(account=account), account=account, viewer=request.user
            ),
            key=key,
            per_page=per_page,
        )
        gone = incremental.cursor_page(
            incremental.tickets_deleted(account=account),
            key=key,
            per_page=per_page,
        )
        rows = sorted([*live.rows, *gone.rows], key=lambda r: (r.updated_at, r.pk))
        more = len(rows) > per_page or not live.end_of_stream or not gone.end_of_stream
        rows = rows[:per_page]
        after = incremental.Key(rows[-1].updated_at, rows[-1].pk) if rows else key
        return incremental.CursorPage(rows, after, not more)

    def rows_json(self, request, rows):
        return _ticket_rows_json(request, rows)


class UserCursorExport(CursorExport):
    """Users and deleted users in (updated_at, id) order: a changed user is exported
    again (its updated_at moves on every change, a database trigger seeing to writes
    that bypass save()), a deleted one once more, inactive, as Zendesk reports it."""

    key = "users"

    def page(self, request, key):
        per_page = _per_page(request)
        account = request.account
        live = incremental.cursor_page(
            incremental.users_changed(account=account), key=key, per_page=per_page
        )
        gone = incremental.cursor_page(
            incremental.users_deleted(account=account), key=key, per_page=per_page
        )
        rows = sorted([*live.rows, *gone.rows], key=lambda r: (r.updated_at, r.pk))
        more = len(rows) > per_page or not live.end_of_stream or not gone.end_of_stream
        rows = rows[:per_page]
        after = incremental.Key(rows[-1].updated_at, rows[-1].pk) if rows else key
        return incremental.CursorPage(rows, after, not more)

    def rows_json(self, request, rows):
        return [
            _deleted_user_json(u, request)
            if isinstance(u, DeletedUser)
            else output.user_json(u, request)
            for u in rows
        ]


def _deleted_user_json(row: DeletedUser, request) -> dict:
    """Zendesk's permanently deleted user: inactive, personal data null."""
    return {
        "id": row.number,
        "url": output.absolute(request, f"/api/v2/users/{row.number}.json"),
        "name": "Permanently Deleted User",
        "email": None,
        "phone": None,
        "role": output.ROLE_TO_ZENDESK.get(row.role, "end-user"),
        "organization_id": None,
        "active": False,
        "created_at": output.timestamp(row.created_at),
        "updated_at": output.timestamp(row.updated_at),
    }


class TimeExport(IncrementalView):
    key = ""
    field = "updated_at"

    def queryset(self, request):
        raise NotImplementedError

    def rows_json(self, request, rows: list) -> list:
        raise NotImplementedError

    def time_page(self, request, start: int) -> incremental.TimePage:
        return incremental.time_page(
            self.queryset(request), start_time=start, per_page=_per_page(request), field=self.field
        )

    def get(self, request):
        start = _start_time(request)
        if isinstance(start, Response):
            return start
        page = self.time_page(request, start)
        rows = self.rows_json(request, page.rows)
        return Response(
            {
                self.key: rows,
                "count": len(rows),
                "end_time": page.end_time,
                "next_page": page_url(request, start_time=page.end_time),
                "end_of_stream": page.end_of_stream,
            }
        )


class TicketTimeExport(TimeExport):
    """Live tickets and deleted ones (status "deleted", at the time of their deletion),
    one time order through both, as the cursor-based export gives them."""

    key = "tickets"

    def time_page(self, request, start: int) -> incremental.TimePage:
        per_page = _per_page(request)
        live = super().time_page(request, start)
        gone = incremental.time_page(
            incremental.tickets_deleted(account=request.account),
            start_time=start,
            per_page=per_page,
            field=self.field,
        )
        return incremental.time_pages_merged(live, gone, field=self.field)

    def queryset(self, request):
        account = request.account
        return output.ticket_rows(
            incremental.tickets_changed(account=account), account=account, viewer=request.user
        )

    def rows_json(self, request, rows):
        return _ticket_rows_json(request, rows)


class OrganizationTimeExport(TimeExport):
    key = "organizations"

    def queryset(self, request):
        return incremental.organizations_changed(account=request.account)

    def rows_json(self, request, rows):
        return [output.organization_json(o, request) for o in rows]


def _child_event(event: TicketEvent) -> dict:
    child: dict = {"id": event.pk, "via": output.via(event.channel)["channel"]}
    if event.kind == TicketEvent.Kind.COMMENT and event.comment is not None:
        child |= {
            "event_type": "Comment",
            "comment_present": True,
            "comment_public": event.comment.public,
        }
    elif event.kind == TicketEvent.Kind.CREATED:
        child |= {"event_type": "Create"}
    else:
        child |= {
            "event_type": "Change",
            "field_name": event.field or event.kind,
            "previous_value": event.old_value or None,
            "value": event.new_value or None,
        }
    return child


class TicketEventTimeExport(TimeExport):
    """One ticket event per recorded change, in Zendesk's shape (an "Audit" with its
    child event)."""

    key = "ticket_events"
    field = "created_at"

    def queryset(self, request):
        return incremental.ticket_events_changed(account=request.account)

    def rows_json(self, request, rows):
        return [
            {
                "id": e.pk,
                "ticket_id": e.ticket.number,
                "timestamp": int(e.created_at.timestamp()),
                "created_at": output.timestamp(e.created_at),
                "updater_id": e.actor.number if e.actor else -1,
                "via": output.via(e.channel)["channel"],
                "system": {},
                "event_type": "Audit",
                "child_events": [_child_event(e)],
                "merged_ticket_ids": [],
            }
            for e in rows
        ]
