from django.urls import path

from customfields import form_admin, people_admin, views

app_name = "customfields"

urlpatterns = [
    path("", views.field_list, name="field_list"),
    path("new/", views.field_new, name="field_new"),
    path("<int:number>/", views.field_edit, name="field_edit"),
    path("<int:number>/delete/", views.field_delete, name="field_delete"),
]

urlpatterns += [
    path("forms/", form_admin.form_list, name="form_list"),
    path("forms/new/", form_admin.form_new, name="form_new"),
    path("forms/<int:number>/", form_admin.form_edit, name="form_edit"),
    path("forms/<int:number>/delete/", form_admin.form_delete, name="form_delete"),
    path(
        "forms/<int:number>/fields/<int:field_number>/move/",
        form_admin.form_move_field,
        name="form_move_field",
    ),
]

urlpatterns += [
    path("<str:target>/", people_admin.people_field_list, name="people_field_list"),
    path("<str:target>/new/", people_admin.people_field_new, name="people_field_new"),
    path("<str:target>/<int:number>/", people_admin.people_field_edit, name="people_field_edit"),
    path(
        "<str:target>/<int:number>/delete/",
        people_admin.people_field_delete,
        name="people_field_delete",
    ),
    path("<str:target>/values/<int:number>/", people_admin.people_values, name="people_values"),
]
