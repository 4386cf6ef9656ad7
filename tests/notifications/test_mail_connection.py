"""The worker keeps one connection to the mail provider open between sends (issue 8:
an SMTP handshake per email halved delivery throughput), and never reuses one that
failed, that sent its quota, or that sat idle too long."""

import pytest
from anymail.exceptions import AnymailAPIError
from celery.signals import worker_process_shutdown
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from notifications.mailer import mail_connection_close
from notifications.models import Delivery
from notifications.outbox import delivery_send
from tests.factories import EndUserFactory, make_ticket
from tickets.services import comment_add, ticket_set_ccs


class CountingBackend(BaseEmailBackend):
    """Records every open/close; fails a send while ``failures`` is above zero."""

    opened = 0
    closed = 0
    failures = 0

    def open(self):
        CountingBackend.opened += 1
        return True

    def close(self):
        CountingBackend.closed += 1

    def send_messages(self, messages):
        if CountingBackend.failures > 0:
            CountingBackend.failures -= 1
            raise AnymailAPIError("connection reset")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def counting(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.CountingBackend"}}
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    mail_connection_close()  # what an earlier test left open
    CountingBackend.opened = CountingBackend.closed = CountingBackend.failures = 0
    mail.outbox = []
    yield CountingBackend
    mail_connection_close()


@pytest.fixture
def queued(acme, acme_agent, acme_user, django_capture_on_commit_callbacks):
    """Five queued rows (a ticket with four CCs gets a comment), none sent yet."""
    ccs = [EndUserFactory(account=acme, email=f"cc{n}@customer.example") for n in range(4)]
    with django_capture_on_commit_callbacks(execute=False):
        ticket = make_ticket(account=acme, submitter=acme_user)
        ticket_set_ccs(ticket=ticket, actor=acme_agent, users=ccs)
        Delivery.objects.for_account(acme).delete()
        comment_add(ticket=ticket, author=acme_agent, body="Restart the printer.")
    return list(Delivery.objects.for_account(acme).order_by("id").values_list("pk", flat=True))


def test_one_connection_carries_many_emails(counting, queued):
    assert len(queued) == 5
    assert [delivery_send(delivery_id=pk).state for pk in queued] == ["sent"] * 5
    assert len(mail.outbox) == 5
    assert counting.opened == 1


def test_a_worker_process_closes_its_mail_connection_when_it_shuts_down(counting, queued):
    assert delivery_send(delivery_id=queued[0]).state == "sent"
    assert counting.closed == 0
    worker_process_shutdown.send(sender=None, pid=0, exitcode=0)
    assert counting.closed == 1


def test_a_failed_send_drops_the_connection_and_the_next_opens_a_new_one(counting, queued):
    counting.failures = 1
    assert delivery_send(delivery_id=queued[0]).state == "retry"
    assert counting.closed == 1
    assert delivery_send(delivery_id=queued[1]).state == "sent"
    assert counting.opened == 2


def test_a_connection_is_renewed_after_its_quota_of_messages(counting, queued, settings):
    settings.NOTIFICATIONS_MAILER_MAX_MESSAGES = 2
    for pk in queued:
        delivery_send(delivery_id=pk)
    assert len(mail.outbox) == 5
    assert counting.opened == 3


def test_an_idle_connection_is_not_reused(counting, queued, settings):
    settings.NOTIFICATIONS_MAILER_MAX_IDLE_SECONDS = 0
    for pk in queued[:3]:
        delivery_send(delivery_id=pk)
    assert counting.opened == 3


def test_changing_the_mailer_setting_takes_effect_at_once(counting, queued, settings):
    delivery_send(delivery_id=queued[0])
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    delivery_send(delivery_id=queued[1])
    assert (counting.opened, counting.closed) == (1, 1)
    assert len(mail.outbox) == 2
    assert hasattr(mail.outbox[1], "anymail_test_params")  # sent by the new backend
