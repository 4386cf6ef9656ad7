"""``make bench`` scenario 6w: the full walk of the incremental export over HTTP, run
here on a few tickets against a real gunicorn so the scenario cannot rot between bench
runs (the numbers are the bench's business, not this test's)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.utils import timezone

from api.tokens import api_token_create
from bench.incremental import walk_http
from tests.api.servers import serving
from tests.factories import make_ticket
from tickets.models import Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_walk_reads_every_ticket_once(tmp_path, acme, acme_admin, acme_agent):
    for _ in range(5):
        make_ticket(account=acme, submitter=acme_agent)
    # Older than the export's horizon (rows of the last minute wait for the next call).
    Ticket.objects.for_account(acme).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    _token, secret = api_token_create(account=acme, name="walk", created_by=acme_admin)
    basic = base64.b64encode(f"{acme_admin.email}/token:{secret}".encode()).decode()
    headers = {"Host": f"{acme.subdomain}.localhost", "Authorization": f"Basic {basic}"}
    with serving("gunicorn", media_root=tmp_path) as port:
        walk = walk_http(f"http://127.0.0.1:{port}", headers, per_page=2)
    assert (walk["rows"], walk["pages"], walk["status"]) == (5, 3, "200")
    assert walk["rows_per_s"] > 0
