"""Admin settings pages for the API (under /agent/settings/api/)."""

from django.urls import path

from api import settings_views

app_name = "api_settings"

urlpatterns = [
    path("", settings_views.api_tokens, name="tokens"),
    path("<int:number>/revoke/", settings_views.api_token_revoke_view, name="revoke"),
]
