"""The solved email says what a reply does (tickets rule 10: it changes no status), in
every language; accounts created before the change get the truthful text too."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from notifications.models import Trigger
from tests.factories import AccountFactory, EndUserFactory, make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update

TRUTH = {
    "en": "just reply to this email: the team will see your answer",
    "it": "rispondi pure a questa email: il team vedrà la tua risposta",
    "es": "basta con responder a este correo electrónico: el equipo verá su respuesta",
}
PROMISE = {
    "en": "the request reopens",
    "it": "la richiesta verrà riaperta",
    "es": "la solicitud se volverá a abrir",
}


@pytest.mark.parametrize("locale", ["en", "it", "es"])
def test_solved_email_promises_no_reopening(acme, acme_agent, locale, sent):
    requester = EndUserFactory(account=acme, email=f"{locale}@customer.example", locale=locale)
    ticket = make_ticket(account=acme, submitter=requester)
    [message] = sent(ticket_update, ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
    assert TRUTH[locale] in message.body
    assert PROMISE[locale] not in message.body


def _solved_trigger(account) -> Trigger:
    return Trigger.objects.for_account(account).get(default_key="requester_solved")


@pytest.mark.parametrize("locale", ["en", "it", "es"])
def test_the_migration_rewrites_the_old_promise_in_stored_triggers(db, locale):
    account = AccountFactory(subdomain=f"old{locale}", default_locale=locale)
    trigger = _solved_trigger(account)
    migration = importlib.import_module(
        "notifications.migrations.0002_solved_email_tells_the_truth"
    )
    old, new = migration.SENTENCES[["en", "it", "es"].index(locale)]
    assert new in trigger.actions[0]["body"]
    # As an account created before the change stored it.
    trigger.actions[0]["body"] = trigger.actions[0]["body"].replace(new, old)
    trigger.save()

    state = MigrationLoader(connection).project_state(
        ("notifications", "0002_solved_email_tells_the_truth")
    )
    migration.rewrite(state.apps, None)

    body = _solved_trigger(account).actions[0]["body"]
    assert PROMISE[locale] not in body and TRUTH[locale] in body
