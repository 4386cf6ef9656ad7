"""Sends that fail, against a real local SMTP server (aiosmtpd) scripted to answer with
the error: a 4xx is retried with back-off and then sent; a 5xx fails at once with the
server's reason; a server that does not answer in time is retried and, after the last
attempt, ends as failed. A failed email is in the admin's delivery log with its reason,
and "Send again" sends it."""

import asyncio
import datetime as dt
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from notifications.mailer import mail_connection_close
from notifications.models import Delivery
from notifications.outbox import delivery_send
from tests.factories import AdminFactory

HANG = "hang"
DELIVERIES = reverse("notifications:delivery_list", urlconf="helpdesk.urls_tenant")


class ScriptedServer:
    """Answers each RCPT with the next scripted reply ("250 OK" once the script is
    spent); HANG answers only after the client has given up waiting."""

    def __init__(self):
        self.replies: list[str] = []
        self.received: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.replies.pop(0) if self.replies else "250 OK"
        if reply == HANG:
            await asyncio.sleep(3)
            reply = "250 OK"
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(envelope.original_content)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = ScriptedServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "notifications.mail.SMTPEmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 1},
        }
    }
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    yield handler
    mail_connection_close()
    controller.stop()


@pytest.fixture
def row(acme, acme_user):
    return Delivery.objects.create(
        account=acme,
        recipient=acme_user,
        to_email=acme_user.email,
        from_email="support@acme.localhost",
        subject="Your request was received",
        body_text="We will answer soon.",
    )


def make_due(row):
    Delivery.all_accounts.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_a_4xx_is_retried_with_backoff_and_then_sent(smtp, row):
    smtp.replies = ["451 4.3.0 Mailbox busy, try again later"]
    result = delivery_send(delivery_id=row.pk)
    assert (result.state, result.retry_in) == ("retry", 30)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.QUEUED, 1)
    assert row.last_error == "SMTP 451 4.3.0 Mailbox busy, try again later"
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    assert delivery_send(delivery_id=row.pk).state == "skipped"  # not due before its time

    make_due(row)
    assert delivery_send(delivery_id=row.pk).state == "sent"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (Delivery.State.SENT, 2, "")
    [message] = smtp.received
    assert row.message_id.encode() in message


def test_a_5xx_fails_at_once_with_the_servers_reason(smtp, row):
    smtp.replies = ["550 5.1.1 No such user here"]
    assert delivery_send(delivery_id=row.pk).state == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.FAILED, 1)
    assert row.last_error == "SMTP 550 5.1.1 No such user here"
    make_due(row)
    assert delivery_send(delivery_id=row.pk).state == "skipped"  # never tried again alone
    assert smtp.received == []


def test_a_server_that_does_not_answer_is_retried_then_failed_after_the_last_attempt(
    smtp, row, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp.replies = [HANG, HANG]
    assert delivery_send(delivery_id=row.pk).state == "retry"
    row.refresh_from_db()
    assert row.state == Delivery.State.QUEUED
    assert re.match(r"(TimeoutError|SMTPServerDisconnected): ", row.last_error)
    make_due(row)
    assert delivery_send(delivery_id=row.pk).state == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.FAILED, 2)
    assert "timed out" in row.last_error.lower()
    assert smtp.received == []


def test_a_failed_email_is_in_the_admins_log_with_its_reason_and_is_sent_again(
    smtp,
    row,
    globex,
    acme_admin,
    acme_agent,
    acme_user,
    client_for,
    django_capture_on_commit_callbacks,
):
    smtp.replies = ["550 5.1.1 No such user here"]
    delivery_send(delivery_id=row.pk)
    client = client_for(acme_admin)
    html = client.get(DELIVERIES, {"state": "failed"}).content.decode()
    assert "SMTP 550 5.1.1 No such user here" in html and row.subject in html
    resend = reverse(
        "notifications:delivery_resend", args=[row.ref], urlconf="helpdesk.urls_tenant"
    )
    assert f'action="{resend}"' in html
    # Named by its random Message-ID, never its primary key.
    assert re.fullmatch(r"/agent/settings/deliveries/[0-9a-f]{32}@[^/]+/resend/", resend)

    # Nobody else may resend it: not another account's admin, not an agent or end user.
    globex_admin = AdminFactory(account=globex)
    for who, status in ((globex_admin, 404), (acme_agent, 403), (acme_user, 404)):
        assert client_for(who).post(resend).status_code == status
    row.refresh_from_db()
    assert row.state == Delivery.State.FAILED

    # The mailbox exists now: "Send again" sends it, with a fresh set of attempts.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (Delivery.State.SENT, 1, "")
    assert len(smtp.received) == 1
