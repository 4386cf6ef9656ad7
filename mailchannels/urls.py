from django.urls import path

from mailchannels import oauth_views, views

app_name = "mailchannels"

urlpatterns = [
    path("agent/settings/email/", views.email_settings, name="email_settings"),
    path("agent/settings/email/addresses/new/", views.address_new, name="address_new"),
    path("agent/settings/email/addresses/<int:number>/", views.address_edit, name="address_edit"),
    path(
        "agent/settings/email/addresses/<int:number>/delete/",
        views.address_delete,
        name="address_delete",
    ),
    path(
        "agent/settings/email/addresses/<int:number>/verify/",
        views.address_verify,
        name="address_verify",
    ),
    path(
        "agent/settings/email/oauth/<str:provider>/start/",
        oauth_views.oauth_start,
        name="oauth_start",
    ),
    path(
        "agent/settings/email/oauth/callback/",
        oauth_views.oauth_callback,
        name="oauth_callback",
    ),
    path("agent/settings/email/channels/new/", views.channel_new, name="channel_new"),
    path("agent/settings/email/channels/<int:number>/", views.channel_edit, name="channel_edit"),
    path(
        "agent/settings/email/channels/<int:number>/test/",
        views.channel_test,
        name="channel_test",
    ),
    path(
        "agent/settings/email/channels/<int:number>/fetch/",
        views.channel_fetch_now,
        name="channel_fetch",
    ),
    path(
        "agent/settings/email/channels/<int:number>/failed/<int:uidvalidity>/<int:uid>/",
        views.failed_message_download,
        name="failed_message_download",
    ),
    path(
        "agent/settings/email/channels/<int:number>/delete/",
        views.channel_delete,
        name="channel_delete",
    ),
]
