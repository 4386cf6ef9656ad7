from django.urls import path

from ticketlinks import views

app_name = "ticketlinks"

urlpatterns = [
    path("tickets/merge/", views.merge, name="merge"),
    path("tickets/<int:number>/links/", views.link_add, name="link_add"),
    path("tickets/<int:number>/links/remove/", views.link_remove, name="link_remove"),
    path("tickets/<int:number>/incidents/solve/", views.incidents_solve, name="incidents_solve"),
    path("tickets/<int:number>/split/", views.split, name="split"),
]
