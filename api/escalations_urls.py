"""Escalations' API routes (seed 004), beside the API's own."""

from api.urls import json_path
from api.views import escalations

app_name = "escalations_api"

urlpatterns = [
    *json_path(
        "tickets/<num:number>/escalations",
        escalations.TicketEscalations.as_view(),
        "ticket_escalations",
    ),
    *json_path(
        "tickets/<num:number>/escalations/<num:escalation_number>",
        escalations.TicketEscalation.as_view(),
        "ticket_escalation",
    ),
    *json_path("escalation_stages", escalations.EscalationStages.as_view(), "escalation_stages"),
]
