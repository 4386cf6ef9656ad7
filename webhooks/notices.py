"""What a webhook tells the account's admins: that it was turned off after failing.
An email to each active admin, in their language, on the outbox (notifications.
account_emails), written in the transaction that turned it off."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.account_emails import account_email_queue
from webhooks.models import Webhook


def webhook_deactivated_notify(*, webhook: Webhook) -> int:
    account = webhook.account
    admins = User.objects.for_account(account).filter(role=User.Role.ADMIN, is_active=True)
    sent = 0
    for admin in admins:
        with translation.override(admin.effective_locale):
            subject = _("Webhook “%(name)s” was deactivated") % {"name": webhook.name}
            body = _(
                "The webhook “%(name)s” (%(endpoint)s) failed %(count)s times in a row and "
                "was deactivated: triggers and automations no longer call it.\n\n"
                "Its delivery log shows the responses. Once the endpoint works again, "
                "activate the webhook in Admin settings → Webhooks:\n%(url)s\n"
            ) % {
                "name": webhook.name,
                "endpoint": webhook.endpoint,
                "count": webhook.consecutive_failures,
                "url": f"{account.base_url}/agent/settings/webhooks/{webhook.number}/",
            }
        account_email_queue(
            account=account,
            user=admin,
            kind="webhook_deactivated",
            subject=subject,
            body_text=body,
        )
        sent += 1
    return sent
