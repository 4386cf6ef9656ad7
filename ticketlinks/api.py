"""``POST /api/v2/tickets/{id}/merge.json`` in Zendesk's shape: ``ids`` (the sources),
``target_comment``, ``source_comment``, ``target_comment_is_public``,
``source_comment_is_public``; answered with a job status. Zendesk queues the merge; here
it is done within the request (at most ticketlinks.merge.MAX_SOURCES tickets), and the
job status it answers is already completed and kept for polling like the others. The
sources' other people are not made CCs: the API has no way to ask (ticketlinks.merge)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework.response import Response

from api.jobs import job_record_done
from api.serializers.output import absolute
from api.views.base import ApiView
from ticketlinks.merge import MAX_SOURCES, ticket_merge
from tickets.access import ticket_for_agent
from tickets.selectors import tickets_visible_to


def _bool(data: dict, key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ValidationError({key: f"{key} is true or false."})
    return value


def _text(data: dict, key: str) -> str:
    value = data.get(key) or ""
    if not isinstance(value, str) or len(value) > 65_536:
        raise ValidationError({key: f"{key} is a text of at most 65536 characters."})
    return value


class TicketMerge(ApiView):
    def post(self, request, number):
        target = ticket_for_agent(viewer=request.user, number=number)
        data = request.data if isinstance(request.data, dict) else {}
        ids = data.get("ids")
        if (
            not isinstance(ids, list)
            or not ids
            or len(ids) > MAX_SOURCES
            or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**62 for i in ids
            )
        ):
            raise ValidationError({"ids": f"ids lists 1 to {MAX_SOURCES} ticket ids."})
        found = {
            t.number: t for t in tickets_visible_to(viewer=request.user).filter(number__in=ids)
        }
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValidationError({"ids": f"Unknown tickets: {missing}."})
        sources = [found[i] for i in dict.fromkeys(ids)]
        ticket_merge(
            target=target,
            sources=sources,
            actor=request.user,
            channel="api",
            target_comment=_text(data, "target_comment"),
            source_comment=_text(data, "source_comment"),
            target_comment_is_public=_bool(data, "target_comment_is_public"),
            source_comment_is_public=_bool(data, "source_comment_is_public"),
        )
        job = job_record_done(
            account=request.account,
            job_type="merge",
            results=[
                {"id": s.number, "action": "merge", "success": True, "status": "Merged"}
                for s in sources
            ],
        )
        url = absolute(request, f"/api/v2/job_statuses/{job['id']}.json")
        return Response({"job_status": {**job, "url": url}})
