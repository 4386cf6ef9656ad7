"""Satisfaction ratings in Zendesk's shape (issue 26): admins list, count and show them
(``/satisfaction_ratings``, "Allowed For: Admins"); the ticket's requester rates it
(``POST /tickets/{id}/satisfaction_rating``), through the same service as the survey
email's links and the help center. Ids are per-account numbers; ``ticket_id``,
``requester_id``, ``assignee_id`` and ``group_id`` are the API's ids of those records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.pagination import paginate
from api.permissions import IsAccountUser, IsAdmin
from api.serializers.output import absolute, timestamp
from api.views.base import ApiView, query_param
from satisfaction import selectors
from satisfaction.models import RECEIVED, SatisfactionRating, State
from satisfaction.services import rate
from tickets.access import ticket_for_end_user
from tickets.models import Channel

_RECEIVED = Q(score__in=RECEIVED)
# Zendesk's score filter. "offered": the survey went out, no answer yet; "unoffered" is
# a ticket never surveyed, which has no rating row, so it lists none.
SCORES = {
    "offered": Q(score=State.OFFERED),
    "unoffered": Q(pk__in=[]),
    "good": Q(score="good"),
    "bad": Q(score="bad"),
    "received": _RECEIVED,
    "good_with_comment": Q(score="good") & ~Q(comment=""),
    "good_without_comment": Q(score="good", comment=""),
    "bad_with_comment": Q(score="bad") & ~Q(comment=""),
    "bad_without_comment": Q(score="bad", comment=""),
    "received_with_comment": _RECEIVED & ~Q(comment=""),
    "received_without_comment": _RECEIVED & Q(comment=""),
}


def rating_json(request, rating: SatisfactionRating) -> dict[str, Any]:
    return {
        "id": rating.number,
        "url": absolute(request, f"/api/v2/satisfaction_ratings/{rating.number}.json"),
        "assignee_id": rating.assignee.number if rating.assignee else None,
        "group_id": rating.group.number if rating.group else None,
        "requester_id": rating.requester.number if rating.requester else None,
        "ticket_id": rating.ticket.number,
        "score": rating.score,
        "comment": rating.comment,
        "reason": str(rating.reason.label) if rating.reason else None,
        "reason_id": rating.reason.number if rating.reason else None,
        "created_at": timestamp(rating.created_at),
        "updated_at": timestamp(rating.updated_at),
    }


def _ratings(request):
    return selectors.ratings_for_api(request.account)


def _epoch(request, name: str) -> dt.datetime | None:
    raw = query_param(request, name)
    if not raw:
        return None
    try:
        return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ValidationError({name: f"{name} is a Unix epoch time in seconds."}) from None


class SatisfactionRatingList(ApiView):
    permission_classes = [IsAdmin]

    def get(self, request):
        qs = _ratings(request)
        score = query_param(request, "score")
        if score:
            if score in SCORES:
                qs = qs.filter(SCORES[score])
            else:
                raise ValidationError({"score": f"Unknown score {score!r}."})
        start, end = _epoch(request, "start_time"), _epoch(request, "end_time")
        if start:
            qs = qs.filter(updated_at__gte=start)
        if end:
            qs = qs.filter(updated_at__lte=end)
        page = paginate(request, qs.order_by("number"))
        return Response(
            {
                "satisfaction_ratings": [rating_json(request, r) for r in page.objects],
                **page.envelope,
            }
        )


class SatisfactionRatingCount(ApiView):
    permission_classes = [IsAdmin]

    def get(self, request):
        count = selectors.ratings_count(request.account)
        return Response({"count": {"value": count, "refreshed_at": None}})


class SatisfactionRatingDetail(ApiView):
    permission_classes = [IsAdmin]

    def get(self, request, number):
        rating = _ratings(request).filter(number=number).first()
        if rating is None:
            raise Http404
        return Response({"satisfaction_rating": rating_json(request, rating)})


class TicketSatisfactionRating(ApiView):
    """The requester rates their solved ticket: ``{"satisfaction_rating": {"score":
    "good", "comment": "…", "reason_id": N}}``."""

    permission_classes = [IsAccountUser]

    def post(self, request, number):
        if request.user.is_agent:
            raise PermissionDenied("Only the ticket's requester can rate it.")
        ticket = ticket_for_end_user(viewer=request.user, number=number)
        if ticket.requester_id != request.user.pk:
            raise Http404
        data = request.data.get("satisfaction_rating") if isinstance(request.data, dict) else None
        if not isinstance(data, dict):
            raise ValidationError({"satisfaction_rating": 'Send {"satisfaction_rating": {…}}.'})
        score, comment = data.get("score"), data.get("comment")
        if not isinstance(score, str):
            raise ValidationError({"score": "score is good or bad."})
        if comment is not None and not isinstance(comment, str):
            raise ValidationError({"comment": "comment is a text."})
        reason = None
        if data.get("reason_id") is not None:
            reason_id = data["reason_id"]
            if not isinstance(reason_id, int) or isinstance(reason_id, bool):
                raise ValidationError({"reason_id": "reason_id is a reason's id."})
            reason = selectors.reason_offered(request.account, reason_id)
            if reason is None:
                raise ValidationError({"reason_id": f"Unknown reason {reason_id}."})
        rating = rate(
            ticket=ticket,
            user=request.user,
            score=score,
            comment=comment,
            reason=reason,
            channel=Channel.API,
        )
        rating = _ratings(request).get(pk=rating.pk)
        return Response({"satisfaction_rating": rating_json(request, rating)})
