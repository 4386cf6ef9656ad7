"""The admin's delivery log grows without end: its counts are capped, its pages walk by
keyset (Previous and Next carry a cursor), and a row waiting for its next attempt says
when that is."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery

DELIVERIES = reverse("notifications:delivery_list", urlconf="helpdesk.urls_tenant")


def rows(account, n, **fields):
    now = timezone.now()
    return Delivery.objects.bulk_create(
        Delivery(
            account=account,
            to_email=f"person{i}@customer.example",
            from_email="support@acme.localhost",
            subject=f"Subject number {i:03d}",
            body_text="Hello",
            created_at=now - dt.timedelta(minutes=i),
            **fields,
        )
        for i in range(n)
    )


def subjects(html):
    return re.findall(r"Subject number \d{3}", html)


def test_the_log_pages_by_cursor_and_shows_every_row_once(acme, globex, acme_admin, client_for):
    rows(acme, 60)
    rows(globex, 3, state=Delivery.State.FAILED)
    client = client_for(acme_admin)
    first = client.get(DELIVERIES).content.decode()
    assert len(subjects(first)) == 50
    next_link = re.search(r'href="(\?[^"]*cursor=[^"]+)" rel="next"', first).group(1)
    second = client.get(DELIVERIES + next_link.replace("&amp;", "&")).content.decode()
    assert len(subjects(second)) == 10
    assert sorted(subjects(first) + subjects(second)) == [
        f"Subject number {i:03d}" for i in range(60)
    ]
    # Counts per state are this account's: globex's failed rows are not among them.
    assert re.search(r'state=failed"[^>]*>Failed <span class="count">0</span>', first)


def test_a_row_waiting_to_be_retried_says_when(acme, acme_admin, client_for):
    [row] = rows(acme, 1, attempts=1, last_error="SMTP 451 4.3.0 Mailbox busy")
    html = client_for(acme_admin).get(DELIVERIES).content.decode()
    assert "SMTP 451 4.3.0 Mailbox busy" in html and "Next attempt:" in html
    assert row.state == Delivery.State.QUEUED


def test_send_again_is_offered_on_the_rows_the_resend_accepts(acme, acme_admin, client_for):
    # The page's button and the resend view read one rule (Delivery.resendable).
    client = client_for(acme_admin)
    for state in Delivery.State:
        [row] = rows(acme, 1, state=state)
        html = client.get(DELIVERIES).content.decode()
        resend = reverse(
            "notifications:delivery_resend", args=[row.ref], urlconf="helpdesk.urls_tenant"
        )
        assert (f'action="{resend}"' in html) == row.resendable, state
        row.delete()
    assert {s for s in Delivery.State if Delivery(state=s).resendable} == {
        Delivery.State.FAILED,
        Delivery.State.SUPPRESSED,
    }
