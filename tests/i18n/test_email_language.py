"""Emails speak the recipient's language and time zone, never the sender's; default
triggers start in the account's language, and an admin's own words go out as written."""

from __future__ import annotations

import zoneinfo

import pytest
from django.core import mail
from django.utils import formats, translation

from accounts.services import account_create
from notifications.models import Trigger
from tests.factories import AccountFactory, AgentFactory, EndUserFactory, make_ticket
from tickets.models import Comment
from tickets.services import ticket_update


@pytest.fixture
def sent(settings, django_capture_on_commit_callbacks):
    """sent(fn, **kwargs) → the messages that leave because of that one call."""
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    mail.outbox = []

    def run(fn, **kwargs):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            fn(**kwargs)
        return mail.outbox[before:]

    return run


@pytest.fixture
def tienda(db):
    """An Italian-speaking account in Rome, with an Italian agent."""
    return AccountFactory(
        subdomain="tienda", name="Tienda", default_locale="it", time_zone="Europe/Rome"
    )


@pytest.fixture
def italian_agent(tienda):
    return AgentFactory(account=tienda, name="Giulia Bianchi", locale="it", time_zone="Europe/Rome")


@pytest.fixture
def spanish_requester(tienda):
    return EndUserFactory(
        account=tienda,
        name="Ana García",
        email="ana@cliente.example",
        locale="es",
        time_zone="America/Mexico_City",
    )


def html_of(message) -> str:
    return next(content for content, kind in message.alternatives if kind == "text/html")


def local(moment, *, language: str, time_zone: str) -> str:
    with translation.override(language):
        when = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
        return formats.date_format(when, "DATETIME_FORMAT")


def test_proactive_ticket_by_italian_agent_reaches_spanish_requester_in_spanish(
    tienda, italian_agent, spanish_requester, sent
):
    [message] = sent(
        make_ticket,
        account=tienda,
        submitter=italian_agent,
        requester=spanish_requester,
        subject="Renovación de su licencia",
        body="Su licencia se renueva la semana que viene.",
    )
    assert message.to == [spanish_requester.email]
    for text in (message.body, html_of(message)):
        # The default trigger's words and the layout, in Spanish…
        assert "Hola Ana García" in text
        assert "Para responder" in text
        assert "Ticket n.º" in text
        # …and nothing of the agent's Italian nor of the account's English source texts.
        assert "Ciao" not in text
        assert "Per rispondere" not in text
        assert "Hello" not in text
        assert "To reply" not in text


def test_times_in_the_email_are_in_the_requesters_time_zone_and_format(
    tienda, italian_agent, spanish_requester, sent
):
    [message] = sent(
        make_ticket,
        account=tienda,
        submitter=italian_agent,
        requester=spanish_requester,
        body="Su licencia se renueva la semana que viene.",
    )
    comment = Comment.objects.for_account(tienda).get()
    in_mexico = local(comment.created_at, language="es", time_zone="America/Mexico_City")
    in_rome_it = local(comment.created_at, language="it", time_zone="Europe/Rome")
    in_rome_es = local(comment.created_at, language="es", time_zone="Europe/Rome")
    assert in_mexico != in_rome_es  # the two zones are 6 or 7 hours apart
    for text in (message.body, html_of(message)):
        assert in_mexico in text
        assert in_rome_it not in text
        assert in_rome_es not in text


def test_the_agent_gets_their_own_language_from_the_same_change(
    tienda, italian_agent, spanish_requester, sent
):
    other = AgentFactory(account=tienda, name="Marco Rossi", locale="it")
    ticket = make_ticket(account=tienda, submitter=spanish_requester)
    [message] = sent(ticket_update, ticket=ticket, actor=italian_agent, assignee=other)
    assert message.to == [other.email]
    assert message.subject.startswith("[Assegnato]")
    assert "ti è stato assegnato" in message.body


def test_a_requester_without_a_language_gets_the_accounts(tienda, italian_agent, sent):
    requester = EndUserFactory(account=tienda, name="Luca", locale="")
    [message] = sent(
        make_ticket, account=tienda, submitter=italian_agent, requester=requester, body="Ciao"
    )
    assert "Gentile Luca" in message.body or "Ciao Luca" in message.body


def test_default_triggers_are_created_in_the_accounts_language(db):
    account, _admin = account_create(
        subdomain="negozio", name="Negozio", admin_email="a@negozio.example", default_locale="it"
    )
    names = list(Trigger.objects.for_account(account).values_list("name", flat=True))
    assert "Notifica al richiedente di un ticket proattivo" in names
    assert not any(name.startswith("Notify") for name in names)
    proactive = Trigger.objects.for_account(account).get(default_key="requester_proactive")
    assert "{{ticket.latest_public_comment}}" in proactive.actions[0]["body"]
    assert "Per rispondere" in proactive.actions[0]["body"]


def test_an_admins_own_words_go_out_as_written(tienda, italian_agent, spanish_requester, sent):
    trigger = Trigger.objects.for_account(tienda).get(default_key="requester_proactive")
    trigger.actions[0]["body"] = "Buongiorno {{ticket.requester.name}}, ecco il ticket."
    trigger.save()
    [message] = sent(
        make_ticket, account=tienda, submitter=italian_agent, requester=spanish_requester
    )
    assert "Buongiorno Ana García, ecco il ticket." in message.body
    # The layout around the admin's words still follows the recipient.
    assert "Ticket n.º" in message.body


def test_password_reset_email_is_in_the_users_language(client_for, tienda, spanish_requester, sent):
    spanish_requester.set_password("a-password-to-reset")
    spanish_requester.save()
    client = client_for(account=tienda)
    [message] = sent(
        client.post,
        path="/password-reset/",
        data={"email": spanish_requester.email},
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert message.subject == "Restablezca su contraseña de Tienda"
    assert "Hola Ana García:" in message.body
