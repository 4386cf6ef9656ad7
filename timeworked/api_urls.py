"""Time worked's API routes (seed 002), beside the API's own."""

from api.urls import json_path
from timeworked import api

app_name = "time_entries_api"

urlpatterns = [
    *json_path("tickets/<num:number>/time_entries", api.TicketTimeEntries.as_view(), "entries"),
]
