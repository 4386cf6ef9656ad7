from django.urls import path

from macros import ticket_views, views

app_name = "macros"

urlpatterns = [
    path("settings/macros/", views.shared_list, name="shared_list"),
    path("macros/", views.personal_list, name="personal_list"),
    path("macros/new/", views.macro_new, name="macro_new"),
    path("macros/<int:number>/", views.macro_edit, name="macro_edit"),
    path("macros/<int:number>/clone/", views.macro_clone, name="macro_clone"),
    path("macros/<int:number>/toggle/", views.macro_toggle, name="macro_toggle"),
    path("macros/<int:number>/move/", views.macro_move, name="macro_move"),
    path("macros/<int:number>/delete/", views.macro_delete, name="macro_delete"),
    path(
        "tickets/<int:number>/macros/<int:macro_number>/apply/",
        ticket_views.macro_preview,
        name="macro_preview",
    ),
    path("tickets/<int:number>/submit/", ticket_views.ticket_submit, name="ticket_submit"),
    path("tickets/bulk/macro/", ticket_views.tickets_bulk_macro, name="tickets_bulk_macro"),
]
