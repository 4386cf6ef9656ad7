from django.urls import path

from notifications import inapp_views, views

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
urlpatterns += [
    path("agent/notifications/", inapp_views.notification_list, name="notification_list"),
    path("agent/notifications/bell/", inapp_views.notification_bell, name="notification_bell"),
    path(
        "agent/notifications/read/",
        inapp_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "agent/notifications/settings/",
        inapp_views.notification_settings,
        name="notification_settings",
    ),
    path(
        "agent/notifications/<int:number>/", inapp_views.notification_open, name="notification_open"
    ),
    path(
        "agent/tickets/<int:number>/follow/", inapp_views.ticket_follow_toggle, name="ticket_follow"
    ),
    path("agent/mentions/", inapp_views.mention_agents, name="mention_agents"),
]
