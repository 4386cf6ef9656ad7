from django.urls import path

from satisfaction import views

app_name = "satisfaction"

urlpatterns = [
    path("agent/settings/satisfaction/", views.satisfaction_settings, name="settings"),
    path("agent/settings/satisfaction/reasons/new/", views.reason_new, name="reason_new"),
    path(
        "agent/settings/satisfaction/reasons/<int:number>/",
        views.reason_edit,
        name="reason_edit",
    ),
]
