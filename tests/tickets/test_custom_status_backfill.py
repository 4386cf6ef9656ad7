"""Custom statuses' backfill (issue 19): migration 0016 no longer rewrites the tickets
table; tickets without a custom status read as their category until
``manage.py backfill_custom_statuses`` gives them their category's default, a batch per
transaction, without touching their updated_at; re-running finds nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from tests.factories import make_ticket
from tickets.models import CustomStatus, Ticket
from tickets.services import ticket_update


def test_backfill_gives_each_ticket_its_categorys_default_in_batches(
    acme, acme_agent, acme_user, globex, client_for
):
    made = {
        status: make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
        for status in ("new", "pending", "solved", "closed")
    }
    for status, ticket in made.items():
        if status != "new":
            ticket_update(ticket=ticket, actor=acme_agent, status=status)
    tickets = Ticket.objects.for_account(acme)
    before = dict(tickets.values_list("pk", "updated_at"))
    tickets.update(custom_status=None)  # as migration 0016 now leaves them
    # Meanwhile a ticket without one reads as its category.
    page = client_for(acme_user).get(f"/hc/requests/{made['pending'].number}/").content.decode()
    assert "Awaiting your reply" in page

    out = StringIO()
    call_command("backfill_custom_statuses", "--batch", "1", stdout=out)
    assert f"{acme.subdomain}: 4 tickets filled" in out.getvalue()
    defaults = {
        s.category: s.pk for s in CustomStatus.objects.for_account(acme).filter(is_default=True)
    }
    filled = dict(tickets.values_list("status", "custom_status"))
    assert filled == {
        "new": defaults["new"],
        "pending": defaults["pending"],
        "solved": defaults["solved"],
        "closed": defaults["solved"],
    }
    assert dict(tickets.values_list("pk", "updated_at")) == before

    again = StringIO()
    call_command("backfill_custom_statuses", stdout=again)
    assert f"{acme.subdomain}: 0 tickets filled" in again.getvalue()
