"""URLs of the bare base domain: the landing page and the platform operators' admin."""

from django.contrib import admin
from django.urls import path

from accounts.views import landing

urlpatterns = [
    path("", landing, name="landing"),
    path("admin/", admin.site.urls),
]
