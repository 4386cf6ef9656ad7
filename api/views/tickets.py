"""/api/v2/tickets…: agents only, every ticket of their account."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from api import jobs, services
from api.errors import not_found, update_conflict
from api.includes import add_ticket_includes
from api.pagination import paginate
from api.serializers import output
from api.serializers.inputs import TicketInput, TicketUpdateManyItem, validated, validated_list
from api.views.base import MAX_IDS, ApiView, ids_param, query_param
from tickets.access import ticket_for_agent
from tickets.selectors import comments_visible_to, tickets_visible_to
from tickets.services import ticket_delete
from tickets.services.conflicts import TicketConflict

TICKET_SORTS = {
    "id": "number",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "status": "status",
    "priority": "priority_rank",  # by severity, not alphabetically
    "subject": "subject",
}


def _rows(request, qs):
    return output.ticket_rows(qs, account=request.user.account, viewer=request.user)


def _reread(request, ticket):
    """The ticket with what its JSON shows (people, tags, counts) in one query."""
    return _rows(request, tickets_visible_to(viewer=request.user)).get(pk=ticket.pk)


def ticket_response_of(request, ticket) -> dict:
    """``{"ticket": ...}`` as ``GET /tickets/{id}.json`` answers it."""
    return {"ticket": output.ticket_json(_reread(request, ticket), request)}


def _write_response(request, ticket, ticket_json: dict, *, comment, changes, created):
    """A write's answer: the ticket as the client will read it, and the audit of the
    change (Zendesk's shape for both create and update)."""
    return Response(
        {
            "ticket": ticket_json,
            "audit": output.audit_json(
                ticket,
                request,
                actor=request.user,
                comment=comment,
                changes=changes,
                created=created,
            ),
        },
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


def tickets_page(request, qs, ordering: list[str] | None = None, key: str = "tickets") -> Response:
    """A page of tickets with Zendesk's envelope and side-loads (shared by every list):
    in ``?sort_by=``'s order, else ``ordering`` (a view's), else by number. Cursor pages
    walk by number."""
    sort = query_param(request, "sort_by")
    cursor = "page[size]" in request.query_params
    if sort in TICKET_SORTS and not cursor:
        prefix = "-" if query_param(request, "sort_order") == "desc" else ""
        qs = qs.order_by(f"{prefix}{TICKET_SORTS[sort]}", f"{prefix}number")
    elif ordering and not cursor:
        qs = qs.order_by(*ordering)
    else:
        qs = qs.order_by("number")
    page = paginate(request, _rows(request, qs))
    body = {key: [output.ticket_json(t, request) for t in page.objects]}
    add_ticket_includes(query_param(request, "include"), list(page.objects), body[key])
    body.update(output.sideloads(page.objects, request))
    body.update(page.envelope)
    return Response(body)


class TicketList(ApiView):
    def get(self, request):
        return tickets_page(request, tickets_visible_to(viewer=request.user))

    def post(self, request):
        data = validated(TicketInput, request.data, envelope="ticket")
        change, ccs = services.api_ticket_create(
            account=request.account, actor=request.user, data=data
        )
        # Answered from the objects in hand (the ticket as the triggers left it), not
        # re-read with five joins: an agent sees every ticket of the account.
        ticket, comment = change.ticket, change.comment
        changes = {
            name: (None, getattr(ticket, name))
            for name in ("subject", "status", "priority", "type", "is_public")
        }
        ticket_json = output.ticket_json(
            ticket, request, description=comment.body, ccs=[u.number for u in ccs]
        )
        return _write_response(
            request, ticket, ticket_json, comment=comment, changes=changes, created=True
        )


class TicketDetail(ApiView):
    def get(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        ticket = _reread(request, ticket)
        ticket_json = output.ticket_json(ticket, request)
        add_ticket_includes(query_param(request, "include"), [ticket], [ticket_json])
        return Response({"ticket": ticket_json})

    def put(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        data = validated(TicketInput, request.data, envelope="ticket", partial=True)
        try:
            comment, changes = services.api_ticket_update(
                ticket=ticket, actor=request.user, data=data
            )
        except TicketConflict:
            return update_conflict()
        ticket = _reread(request, ticket)
        return _write_response(
            request,
            ticket,
            output.ticket_json(ticket, request),
            comment=comment,
            changes=changes,
            created=False,
        )

    def delete(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        ticket_delete(ticket=ticket, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TicketShowMany(ApiView):
    def get(self, request):
        numbers = ids_param(request)
        qs = tickets_visible_to(viewer=request.user).filter(number__in=numbers)
        return tickets_page(request, qs)


class TicketUpdateMany(ApiView):
    """``?ids=1,2`` with ``{"ticket": {...}}`` (one change for all), or no ids and
    ``{"tickets": [{"id": 1, ...}, ...]}`` (a change each): a job status either way."""

    def put(self, request):
        numbers = ids_param(request)
        if numbers:
            data = validated(TicketInput, request.data, envelope="ticket", partial=True)
            job = jobs.api_tickets_update_many(
                account=request.account, actor=request.user, numbers=numbers, data=data
            )
        elif isinstance(request.data, dict) and "tickets" in request.data:
            changes = validated_list(
                TicketUpdateManyItem, request.data, envelope="tickets", max_length=MAX_IDS
            )
            job = jobs.api_tickets_update_each(
                account=request.account, actor=request.user, changes=changes
            )
        else:
            return not_found()
        return Response({"job_status": job_json(request, job)})


def job_json(request, job: dict) -> dict:
    return {**job, "url": output.absolute(request, f"/api/v2/job_statuses/{job['id']}.json")}


class JobStatusDetail(ApiView):
    def get(self, request, job_id):
        job = jobs.api_job_status(account=request.account, job_id=job_id)
        if job is None:
            return not_found()
        return Response({"job_status": job_json(request, job)})


class TicketComments(ApiView):
    def get(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        comments = comments_visible_to(ticket=ticket, viewer=request.user)
        order = "-" if query_param(request, "sort_order") == "desc" else ""
        page = paginate(request, comments.order_by(f"{order}created_at", f"{order}id"), key="id")
        body = {"comments": [output.comment_json(c, request) for c in page.objects]}
        if "users" in query_param(request, "include"):
            authors = {c.author.pk: c.author for c in page.objects}
            body["users"] = [output.user_json(u, request) for u in authors.values()]
        body.update(page.envelope)
        return Response(body)


# The organization's and the requester's tickets live with their resources, but read
# through the same visibility selector and the same page builder.
def tickets_of(request, **filters) -> Response:
    return tickets_page(request, tickets_visible_to(viewer=request.user).filter(**filters))
