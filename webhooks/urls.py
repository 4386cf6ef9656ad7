from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="webhook_list"),
    path("new/", views.webhook_new, name="webhook_new"),
    path("<int:number>/", views.webhook_edit, name="webhook_edit"),
    path("<int:number>/toggle/", views.webhook_toggle, name="webhook_toggle"),
    path("<int:number>/delete/", views.webhook_delete, name="webhook_delete"),
    path("<int:number>/test/", views.webhook_test, name="webhook_test"),
    path("<int:number>/secret/", views.webhook_secret, name="webhook_secret"),
    path("<int:number>/log/", views.webhook_log_page, name="webhook_log"),
]
