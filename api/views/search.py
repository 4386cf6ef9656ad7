"""/api/v2/search.json?query=…: agents; results of one type, Zendesk's envelope."""

from __future__ import annotations

from rest_framework.response import Response

from api import search
from api.pagination import _offset_page
from api.serializers import output
from api.views.base import ApiView, query_param


class Search(ApiView):
    def get(self, request):
        query = search.parse(query_param(request, "query"))
        viewer = request.user
        if query.result_type == "user":
            qs, render = search.search_users(viewer=viewer, query=query), output.user_json
        elif query.result_type == "organization":
            qs = search.search_organizations(viewer=viewer, query=query)
            render = output.organization_json
        elif query.result_type == "group":
            qs, render = search.search_groups(viewer=viewer, query=query), output.group_json
        else:
            qs = output.ticket_rows(
                search.search_tickets(
                    viewer=viewer,
                    query=query,
                    sort_by=query_param(request, "sort_by"),
                    sort_order=query_param(request, "sort_order"),
                ),
                account=request.account,
                viewer=viewer,
            )
            render = output.ticket_json
        # Search pages by offset only, as Zendesk's does.
        page = _offset_page(request, qs)
        results = [
            {**render(obj, request), "result_type": query.result_type} for obj in page.objects
        ]
        return Response({"results": results, "facets": None, **page.envelope})
