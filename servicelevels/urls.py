from django.urls import path

from servicelevels import views

app_name = "servicelevels"

urlpatterns = [
    path("", views.schedule_list, name="schedule_list"),
    path("new/", views.schedule_new, name="schedule_new"),
    path("<int:number>/", views.schedule_edit, name="schedule_edit"),
    path("<int:number>/default/", views.schedule_default, name="schedule_default"),
    path("<int:number>/delete/", views.schedule_remove, name="schedule_delete"),
    path("<int:number>/holidays/", views.holiday_new, name="holiday_add"),
    path("<int:number>/holidays/import/", views.holiday_import, name="holiday_import"),
    path(
        "<int:number>/holidays/<int:holiday_number>/remove/",
        views.holiday_delete,
        name="holiday_remove",
    ),
]
