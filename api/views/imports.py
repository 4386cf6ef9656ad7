"""/api/v2/imports/tickets…: admins bring in historical tickets (api.imports)."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from api import bulk, imports
from api.permissions import IsAdmin
from api.views.base import ApiView
from api.views.tickets import job_json, ticket_response_of


class TicketImport(ApiView):
    permission_classes = [IsAdmin]

    def post(self, request):
        ticket = imports.api_ticket_import(account=request.account, payload=request.data)
        return Response(ticket_response_of(request, ticket), status=status.HTTP_201_CREATED)


class TicketImportMany(ApiView):
    permission_classes = [IsAdmin]

    def post(self, request):
        items = bulk.items_of(request.data, "tickets")
        job = imports.api_tickets_import_many(account=request.account, items=items)
        return Response({"job_status": job_json(request, job)})
