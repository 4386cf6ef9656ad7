from django.urls import path

from timeworked import views

app_name = "timeworked"

urlpatterns = [
    path("agent/tickets/<int:number>/time/", views.time_log, name="time_log"),
    path("agent/tickets/<int:number>/time/timer/", views.timer, name="timer"),
    path("agent/reports/time/", views.time_report, name="report"),
    path("agent/settings/time-worked/", views.time_settings, name="settings"),
]
