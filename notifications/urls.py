from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("agent/settings/triggers/", views.trigger_list, name="trigger_list"),
    path("agent/settings/deliveries/", views.delivery_list, name="delivery_list"),
    path("agent/tickets/<int:number>/forward/", views.ticket_forward, name="ticket_forward"),
]
