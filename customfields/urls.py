from django.urls import path

from customfields import form_admin, views

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
]
