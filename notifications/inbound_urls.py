"""ESP webhooks on the bare base domain: inbound email and delivery tracking (see
notifications.webhooks)."""

from django.urls import path, re_path

from notifications.webhooks import (
    MailgunInboundView,
    MailgunTrackingView,
    PostmarkInboundView,
    PostmarkTrackingView,
)

app_name = "inbound"

urlpatterns = [
    # Mailgun posts the raw MIME when the URL contains "mime" (inbound_mime/).
    re_path(r"^mailgun/inbound(_mime)?/$", MailgunInboundView.as_view(), name="mailgun"),
    path("postmark/inbound/", PostmarkInboundView.as_view(), name="postmark"),
    # Bounces, complaints and deliveries (notifications.suppressions).
    path("mailgun/tracking/", MailgunTrackingView.as_view(), name="mailgun_tracking"),
    path("postmark/tracking/", PostmarkTrackingView.as_view(), name="postmark_tracking"),
]
