"""/api/v2/requests…: the end user's view, exactly what the help center shows them —
their public requests (as requester, CC or organization manager), public replies only.
Agents see the requests they are the requester of."""

from __future__ import annotations

from django.http import Http404
from rest_framework import status
from rest_framework.response import Response

from api import services
from api.pagination import paginate
from api.permissions import IsAccountUser
from api.serializers import output
from api.serializers.inputs import RequestInput, validated
from api.views.base import ApiView, query_param
from tickets.access import ticket_for_end_user
from tickets.selectors import comments_visible_to, tickets_visible_to

REQUEST_STATUSES = {"new", "open", "pending", "hold", "solved", "closed"}


def _requests(user):
    qs = tickets_visible_to(viewer=user)
    if user.is_agent:
        qs = qs.filter(requester=user)
    return qs


def _description(ticket, user) -> str:
    first = comments_visible_to(ticket=ticket, viewer=user).order_by("created_at", "id").first()
    return first.body if first else ""


def _request(user, number):
    ticket = ticket_for_end_user(viewer=user, number=number)
    if user.is_agent and ticket.requester_id != user.pk:
        raise Http404
    return output.ticket_rows(_requests(user), account=user.account, viewer=user).get(pk=ticket.pk)


class RequestList(ApiView):
    permission_classes = [IsAccountUser]

    def get(self, request):
        qs = _requests(request.user)
        wanted = [s for s in query_param(request, "status").split(",") if s in REQUEST_STATUSES]
        if wanted:
            qs = qs.filter(status__in=wanted)
        page = paginate(
            request,
            output.ticket_rows(qs.order_by("number"), account=request.account, viewer=request.user),
        )
        body = {
            "requests": [
                output.request_json(t, request, description=_description(t, request.user))
                for t in page.objects
            ]
        }
        body.update(page.envelope)
        return Response(body)

    def post(self, request):
        data = validated(RequestInput, request.data, envelope="request")
        ticket = services.api_request_create(account=request.account, user=request.user, data=data)
        ticket = _request(request.user, ticket.number)
        return Response(
            {
                "request": output.request_json(
                    ticket, request, description=_description(ticket, request.user)
                )
            },
            status=status.HTTP_201_CREATED,
        )


class RequestDetail(ApiView):
    permission_classes = [IsAccountUser]

    def get(self, request, number):
        ticket = _request(request.user, number)
        return Response(
            {
                "request": output.request_json(
                    ticket, request, description=_description(ticket, request.user)
                )
            }
        )

    def put(self, request, number):
        ticket = _request(request.user, number)
        data = validated(RequestInput, request.data, envelope="request", partial=True)
        services.api_request_update(ticket=ticket, user=request.user, data=data)
        ticket = _request(request.user, number)
        return Response(
            {
                "request": output.request_json(
                    ticket, request, description=_description(ticket, request.user)
                )
            }
        )


class RequestComments(ApiView):
    permission_classes = [IsAccountUser]

    def get(self, request, number):
        ticket = _request(request.user, number)
        comments = comments_visible_to(ticket=ticket, viewer=request.user).order_by(
            "created_at", "id"
        )
        page = paginate(request, comments, key="id")
        body = {"comments": [output.comment_json(c, request) for c in page.objects]}
        body.update(page.envelope)
        return Response(body)
