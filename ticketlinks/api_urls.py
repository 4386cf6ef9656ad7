"""The merge's API route, under /api/v2/ beside the API's own (with and without .json)."""

from api.urls import json_path
from ticketlinks import api

app_name = "ticketlinks_api"

urlpatterns = [
    *json_path("tickets/<num:number>/merge", api.TicketMerge.as_view(), "ticket_merge"),
]
