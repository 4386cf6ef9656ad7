"""URLs of an account's subdomain (acme.<BASE_DOMAIN>)."""

from django.urls import include, path

from accounts.views import tenant_home

urlpatterns = [
    path("", tenant_home, name="home"),
    path("", include("accounts.urls")),
    path("agent/settings/api/", include("api.settings_urls")),
    path("agent/", include("macros.urls")),
    path("agent/", include("ticketlinks.urls")),
    path("agent/settings/schedules/", include("servicelevels.urls")),
    path("agent/settings/sla/", include("servicelevels.sla_urls")),
    path("agent/settings/fields/", include("customfields.urls")),
    path("agent/settings/webhooks/", include("webhooks.urls")),
    path("agent/settings/chat/", include("chat.settings_urls")),
    path("agent/reports/", include("reports.urls")),
    path("agent/", include("tickets.urls")),
    path("hc/chat/", include("chat.hc_urls")),
    path("hc/", include("knowledge.hc_urls")),
    path("hc/", include("portal.urls")),
    # Before the API's own: its last pattern answers every unknown path.
    path("api/v2/", include("macros.api_urls")),
    path("api/v2/", include("servicelevels.api_urls")),
    path("api/v2/", include("ticketlinks.api_urls")),
    path("api/v2/", include("api.satisfaction_urls")),
    path("api/v2/", include("api.escalations_urls")),
    path("api/v2/", include("knowledge.api_urls")),
    path("api/v2/", include("timeworked.api_urls")),
    path("api/v2/", include("webhooks.api_urls")),
    path("api/v2/", include("api.urls")),
    path("", include("notifications.urls")),
    path("", include("automations.urls")),
    path("", include("satisfaction.urls")),
    path("", include("escalations.urls")),
    path("", include("calls.urls")),
    path("", include("timeworked.urls")),
    path("", include("assist.urls")),
    path("", include("closing.urls")),
    path("", include("knowledge.urls")),
    path("", include("mailchannels.urls")),
    path("", include("chat.agent_urls")),
]
