from django.urls import path

from reports import ticket_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("closures/", views.closures, name="closures"),
    path("tickets/", ticket_views.report_tickets, name="tickets"),
]
