"""zenpy, unchanged, reads the incremental exports over HTTP as it reads Zendesk's: the
cursor-based ticket export (its default) and the time-based one, to the end of the
stream, with a deleted ticket reported."""

from __future__ import annotations

import datetime as dt
import socket
import time
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from zenpy import Zenpy

from tests.api.conftest import token_for
from tests.factories import make_ticket
from tickets.models import DeletedTicket, Ticket
from tickets.services import ticket_delete

pytestmark = pytest.mark.django_db(transaction=True)

_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def zenpy_admin(live_server, monkeypatch, acme, acme_admin, settings):
    settings.API_INCREMENTAL_RATE_LIMIT = "1000/min"

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    port = urlsplit(live_server.url).port
    client = Zenpy(
        subdomain="acme",
        domain=f"localhost:{port}",
        email=acme_admin.email,
        token=token_for(acme_admin),
    )
    client.disable_caching()
    return client


def test_zenpy_incremental_ticket_export(zenpy_admin, acme, acme_agent):
    tickets = [make_ticket(account=acme, subject=f"Z{i}") for i in range(5)]
    ticket_delete(ticket=tickets[4], actor=acme_agent)
    # Out of the last minute, which the export leaves out.
    five_minutes_ago = timezone.now() - dt.timedelta(minutes=5)
    Ticket.objects.for_account(acme).update(updated_at=five_minutes_ago)
    DeletedTicket.objects.for_account(acme).update(updated_at=five_minutes_ago)
    start = int(time.time()) - 3600

    walked = list(zenpy_admin.tickets.incremental(start_time=start, per_page=2))
    by_subject = {t.subject: t.status for t in walked}
    assert len(walked) == 5
    assert by_subject == {"Z0": "new", "Z1": "new", "Z2": "new", "Z3": "new", "Z4": "deleted"}

    by_time = list(zenpy_admin.tickets.incremental(start_time=start, paginate_by_time=True))
    # The time-based export reports the deleted ticket too (as Zendesk does).
    assert {t.subject: t.status for t in by_time} == by_subject
