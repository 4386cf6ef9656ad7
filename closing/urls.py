from django.urls import path

from closing import views

app_name = "closing"

urlpatterns = [
    path("agent/settings/close-reasons/", views.close_settings, name="settings"),
    path("agent/settings/close-reasons/<int:number>/", views.reason_edit, name="reason_edit"),
    path("agent/tickets/<int:number>/close/", views.ticket_close, name="close"),
    path("agent/tickets/<int:number>/explain-close/", views.explain_close, name="explain_close"),
]
