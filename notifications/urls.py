from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("agent/settings/triggers/", views.trigger_list, name="trigger_list"),
    path("agent/settings/triggers/new/", views.trigger_new, name="trigger_new"),
    path("agent/settings/triggers/<int:number>/", views.trigger_edit, name="trigger_edit"),
    path(
        "agent/settings/triggers/<int:number>/toggle/", views.trigger_toggle, name="trigger_toggle"
    ),
    path("agent/settings/triggers/<int:number>/move/", views.trigger_move, name="trigger_move"),
    path(
        "agent/settings/triggers/<int:number>/delete/", views.trigger_delete, name="trigger_delete"
    ),
    path("agent/settings/deliveries/", views.delivery_list, name="delivery_list"),
    path(
        "agent/settings/deliveries/<str:ref>/resend/",
        views.delivery_resend,
        name="delivery_resend",
    ),
    path("agent/settings/suppressions/", views.suppression_list, name="suppression_list"),
    path(
        "agent/settings/suppressions/<int:number>/lift/",
        views.suppression_lift,
        name="suppression_lift",
    ),
    path("agent/tickets/<int:number>/forward/", views.ticket_forward, name="ticket_forward"),
]
