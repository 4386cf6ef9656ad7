"""A tracking event holding a NUL character (which PostgreSQL cannot store) is no 500:
an id with one matches nothing we sent (400, as any unreadable event); a description
with one is kept without it."""

from notifications.models import Delivery
from tests.factories import make_ticket
from tests.notifications.payloads import MAILGUN_SIGNING_KEY, WEBHOOK_SECRET
from tests.notifications.tracking_payloads import post_postmark_tracking, postmark_bounce

NUL = "\x00"


def test_a_tracking_event_with_nul_is_refused_or_kept_without_it(acme, acme_user, settings, sent):
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
    }
    sent(make_ticket, account=acme, submitter=acme_user)
    row = Delivery.objects.for_account(acme).filter(to_email=acme_user.email).latest("id")
    Delivery.all_accounts.filter(pk=row.pk).update(provider_message_id="pm-1")
    unmatched = postmark_bounce(email=acme_user.email, message_id=f"pm{NUL}-1")
    assert post_postmark_tracking(unmatched).status_code == 400
    bounce = {
        **postmark_bounce(email=acme_user.email, message_id="pm-1"),
        "Description": f"Mailbox{NUL} unknown",
    }
    assert post_postmark_tracking(bounce).status_code == 200
    row.refresh_from_db()
    assert row.state == Delivery.State.BOUNCED
    assert "Mailbox unknown" in row.last_error
