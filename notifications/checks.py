"""Start-up checks: the inbound email webhooks never accept unauthenticated posts.

Inbound email is on exactly when ANYMAIL_WEBHOOK_SECRET is set. Without it the webhooks
answer 403 to everything (notifications.webhooks), so an unset secret is a safe, valid
production shape (outbound email only) and gets an Info under ``check --deploy``. What
stops start-up is a configuration that turns inbound on but cannot authenticate it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Info, Tags, register

MIN_SECRET_PASSWORD = 16


def _anymail(name: str) -> str:
    return str((getattr(settings, "ANYMAIL", {}) or {}).get(name) or "")


@register(Tags.security)
def check_webhook_secret(app_configs, **kwargs):
    secret = _anymail("WEBHOOK_SECRET")
    if not secret:
        return []
    errors = []
    user, _, password = secret.partition(":")
    if not user or len(password) < MIN_SECRET_PASSWORD:
        errors.append(
            Error(
                "ANYMAIL_WEBHOOK_SECRET must be 'user:password' with a password of at least "
                f"{MIN_SECRET_PASSWORD} random characters.",
                hint="Generate one, e.g. inbound:$(openssl rand -hex 24), and use it in the "
                "webhook URL configured at your email provider "
                "(https://user:password@<BASE_DOMAIN>/inbound/<esp>/inbound/).",
                id="notifications.E001",
            )
        )
    if getattr(settings, "EMAIL_ESP", "") == "mailgun" and not _anymail(
        "MAILGUN_WEBHOOK_SIGNING_KEY"
    ):
        errors.append(
            Error(
                "MAILGUN_WEBHOOK_SIGNING_KEY is not set: Mailgun inbound signatures cannot "
                "be verified, so every inbound post would be refused.",
                hint="Copy the 'HTTP webhook signing key' from Mailgun's dashboard, or unset "
                "ANYMAIL_WEBHOOK_SECRET to turn inbound email off.",
                id="notifications.E002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_inbound_enabled(app_configs, **kwargs):
    if _anymail("WEBHOOK_SECRET"):
        return []
    return [
        Info(
            "Inbound email is off: ANYMAIL_WEBHOOK_SECRET is not set, so the inbound "
            "and tracking webhooks refuse every post: replies by email do not reach "
            "tickets, and bouncing addresses are not suppressed.",
            hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:password' to turn it on.",
            id="notifications.I001",
        )
    ]
