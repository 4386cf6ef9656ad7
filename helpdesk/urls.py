"""URLs of the bare base domain: the landing page and the platform operators' admin."""

from django.contrib import admin
from django.urls import include, path

from accounts.views import landing

urlpatterns = [
    path("", landing, name="landing"),
    path("admin/", admin.site.urls),
    # Inbound email webhooks (one per ESP); the account comes from the recipient address.
    path("inbound/", include("notifications.inbound_urls")),
]
