from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/new/", views.ticket_new, name="ticket_new"),
    path("users/new/", views.user_new, name="user_new"),
    path("search/", views.search, name="search"),
]
