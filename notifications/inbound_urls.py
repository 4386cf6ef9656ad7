"""Inbound email webhooks, on the bare base domain (see notifications.webhooks)."""

from django.urls import path, re_path

from notifications.webhooks import MailgunInboundView, PostmarkInboundView

app_name = "inbound"

urlpatterns = [
    # Mailgun posts the raw MIME when the URL contains "mime" (inbound_mime/).
    re_path(r"^mailgun/inbound(_mime)?/$", MailgunInboundView.as_view(), name="mailgun"),
    path("postmark/inbound/", PostmarkInboundView.as_view(), name="postmark"),
]
