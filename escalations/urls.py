from django.urls import path

from escalations import views

app_name = "escalations"

urlpatterns = [
    path("agent/tickets/<int:number>/escalations/", views.escalate, name="escalate"),
    path(
        "agent/tickets/<int:number>/escalations/<int:escalation_number>/",
        views.escalation_stage,
        name="escalation_stage",
    ),
    path("agent/settings/escalations/", views.stages_settings, name="settings"),
    path("agent/settings/escalations/<int:number>/", views.stage_edit, name="stage_edit"),
]
