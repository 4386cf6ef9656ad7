import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import make_ticket
from tickets.models import Ticket


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Refund please", body="Hi"
    )


def age(ticket, **fields_hours_ago):
    """Move the ticket's times into the past: ``solved_at=100`` means 100 hours ago."""
    now = timezone.now()
    Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk).update(
        **{name: now - dt.timedelta(hours=hours) for name, hours in fields_hours_ago.items()}
    )
    ticket.refresh_from_db()
    return ticket
