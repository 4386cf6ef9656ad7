"""IMAP IDLE against a real Dovecot: a message appended while the worker idles is imported
without the beat; an unreachable mailbox is retried with back-off and shows its error;
the supervisor watches exactly the active IMAP channels."""

from __future__ import annotations

import threading
import time

import pytest

from mailchannels import services
from mailchannels.idle import Supervisor, watch
from mailchannels.models import MailboxChannel
from tests.mailchannels.conftest import make_channel, message
from tickets.models import Ticket

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PATIENCE = 60.0  # seconds the test waits for the worker at most (not what it asserts)


def eventually(check) -> bool:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


class Entries:
    """Counts the worker's entries into IDLE (it calls ``set()`` on each). A counter, not
    an Event the test clears: the worker may be idling again before the test has seen
    the ticket its fetch made, and a clear() then would wait for an entry that came."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def set(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def is_set(self) -> bool:
        return self.count > 0

    def wait(self, timeout: float, *, at_least: int = 1) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= at_least, timeout)


def start(channel, **kwargs) -> tuple[threading.Thread, threading.Event, Entries]:
    stop, idling = threading.Event(), Entries()
    thread = threading.Thread(
        target=watch,
        args=(channel.account_id, channel.pk, stop),
        kwargs={"idling": idling, **kwargs},
        daemon=True,
    )
    thread.start()
    return thread, stop, idling


def test_mail_appended_while_idling_is_imported_without_the_beat(acme, channel, dovecot):
    # IDLE is re-issued (with a fetch) only after an hour: only IDLE can bring this mail.
    thread, stop, idling = start(channel, idle_seconds=3600.0)
    try:
        assert idling.wait(PATIENCE)
        dovecot.deliver(message(subject="Arrived during IDLE"))
        assert eventually(
            lambda: Ticket.objects.for_account(acme).filter(subject="Arrived during IDLE").exists()
        )
        assert idling.wait(PATIENCE, at_least=2)  # idling again after the fetch
        dovecot.deliver(message(subject="And another"))
        assert eventually(lambda: Ticket.objects.for_account(acme).count() == 2)
    finally:
        stop.set()
        thread.join(PATIENCE)
    assert not thread.is_alive()


def test_an_unreachable_mailbox_is_retried_and_shows_its_error(acme, support, dovecot):
    channel = make_channel(acme, support, dovecot, port=9)  # nothing listens there
    thread, stop, idling = start(channel)
    try:
        assert eventually(
            lambda: (
                MailboxChannel.objects.for_account(acme)
                .filter(pk=channel.pk, last_error__startswith="Connection refused")
                .exists()
            )
        )
        assert thread.is_alive() and not idling.is_set()
        services.channel_update(
            channel=channel,
            host=dovecot.host,
            port=dovecot.port,
            username=channel.username,
            folder="INBOX",
        )
        assert idling.wait(PATIENCE)  # reconnected after its back-off
    finally:
        stop.set()
        thread.join(PATIENCE)
    assert not thread.is_alive()


def test_the_supervisor_watches_the_active_imap_channels(acme, support, dovecot):
    watched = make_channel(acme, support, dovecot)
    billing = services.address_create(account=acme, email="billing@acme.example")
    make_channel(acme, billing, dovecot, active=False)
    pop = services.address_create(account=acme, email="pop@acme.example")
    services.channel_create(
        account=acme,
        address=pop,
        password="p",
        protocol="pop3",
        host="127.0.0.1",
        port=9,
        username="pop@acme.example",
    )
    supervisor = Supervisor()
    supervisor.sync()
    try:
        assert set(supervisor.threads) == {(acme.pk, watched.pk)}
        services.channel_delete(channel=watched)
        supervisor.sync()
        assert supervisor.threads == {}
    finally:
        supervisor.stop.set()


def test_mail_already_waiting_when_idle_would_start_is_fetched_at_once(
    acme, channel, dovecot, settings
):
    # IDLE announces only what arrives after it starts. One message per fetch and three
    # waiting: the two the first fetch leaves are found before IDLE, not an hour later.
    settings.MAILBOX_MESSAGES_PER_FETCH = 1
    dovecot.deliver(*(message(subject=f"Waiting {n}") for n in range(3)))
    thread, stop, idling = start(channel, idle_seconds=3600.0)
    try:
        assert eventually(lambda: Ticket.objects.for_account(acme).count() == 3)
        assert idling.wait(PATIENCE)  # then idling, once nothing is left
        assert idling.count == 1
    finally:
        stop.set()
        thread.join(PATIENCE)
    assert not thread.is_alive()
