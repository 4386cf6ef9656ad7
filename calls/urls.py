from django.urls import path

from calls import views

app_name = "calls"

urlpatterns = [
    path("agent/tickets/<int:number>/call/", views.call_schedule, name="call_schedule"),
    path("agent/tickets/<int:number>/call/log/", views.call_log, name="call_log"),
]
