from django.urls import path

from automations import quick_views, views

app_name = "automations"

urlpatterns = [
    path("agent/tickets/<int:number>/quick/", quick_views.ticket_quick, name="ticket_quick"),
    path("agent/settings/automations/", views.automation_list, name="automation_list"),
    path("agent/settings/automations/new/", views.automation_new, name="automation_new"),
    path(
        "agent/settings/automations/<int:number>/",
        views.automation_edit,
        name="automation_edit",
    ),
    path(
        "agent/settings/automations/<int:number>/clone/",
        views.automation_clone,
        name="automation_clone",
    ),
    path(
        "agent/settings/automations/<int:number>/toggle/",
        views.automation_toggle,
        name="automation_toggle",
    ),
    path(
        "agent/settings/automations/<int:number>/move/",
        views.automation_move,
        name="automation_move",
    ),
    path(
        "agent/settings/automations/<int:number>/delete/",
        views.automation_delete,
        name="automation_delete",
    ),
    path("agent/tickets/<int:number>/snooze/", views.ticket_snooze, name="ticket_snooze"),
]
