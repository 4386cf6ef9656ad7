"""A password-reset email is an outbox row like every email the product sends: written
with the request, sent after commit, swept if the broker was down, sent once, and listed
in the admin's delivery log."""

import re

import pytest
from django.core import mail

from notifications.models import Delivery
from notifications.outbox import deliveries_sweep
from tests.broker import broker_down
from tests.conftest import TenantClient


@pytest.fixture
def outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    mail.outbox = []
    return mail.outbox


def reset_rows(account):
    return list(Delivery.objects.for_account(account).filter(kind=Delivery.Kind.PASSWORD_RESET))


def test_a_password_reset_is_an_outbox_row_sent_after_commit(
    acme, globex, acme_user, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = TenantClient(acme).post("/password-reset/", {"email": acme_user.email})
    assert response.status_code == 302
    [row] = reset_rows(acme)
    assert (row.state, row.to_email, row.recipient) == ("queued", acme_user.email, acme_user)
    assert outbox == [] and reset_rows(globex) == []
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT
    [message] = outbox
    assert message.to == [acme_user.email]
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "http://acme.localhost/password-reset/" in message.body


def test_a_password_reset_asked_for_while_the_broker_is_down_is_swept_and_sent_once(
    acme, acme_user, outbox, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = TenantClient(acme).post("/password-reset/", {"email": acme_user.email})
    # The user is told to check their inbox, as always; nothing is lost.
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    [row] = reset_rows(acme)
    assert row.state == Delivery.State.QUEUED and outbox == []
    assert row.enqueue_failed  # no message will come for it: the sweeper knows

    # The broker is back: the sweeper's next pass sends it, and no later pass again.
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_sweep(stale_after=0) == [row.pk]
        assert deliveries_sweep(stale_after=0) == []
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT
    [message] = outbox
    link = re.search(r"http://acme\.localhost(/password-reset/\S+)", message.body).group(1)
    assert b"Choose a new password" in TenantClient(acme).get(link, follow=True).content


def test_an_unknown_address_writes_no_row(acme, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = TenantClient(acme).post("/password-reset/", {"email": "nobody@x.example"})
    assert response.status_code == 302
    assert reset_rows(acme) == [] and outbox == []


def test_a_password_reset_is_listed_in_the_admins_delivery_log(
    acme, acme_admin, acme_user, client_for, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        TenantClient(acme).post("/password-reset/", {"email": acme_user.email})
    html = client_for(acme_admin).get("/agent/settings/deliveries/").content.decode()
    assert acme_user.email in html and "Reset your Acme Inc. password" in html
    assert "Password reset" in html
    assert "/password-reset/" not in html  # the link itself is for the user's eyes only
