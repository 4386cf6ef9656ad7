from django.urls import path

from chat import settings_views

app_name = "chat_settings"

urlpatterns = [path("", settings_views.chat_settings_page, name="settings")]
