"""satisfaction 0004: the solved email of an existing account offers the survey where
its text is still the old default (in any language), and an admin's own text stays."""

import importlib

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from notifications.models import Trigger

migration = importlib.import_module("satisfaction.migrations.0004_solved_email_offers_the_survey")


class _Editor:
    connection = connection


def _body(trigger):
    return next(a for a in trigger.actions if a["action"] == "email_requester")["body"]


def _set_body(trigger, body):
    for action in trigger.actions:
        if action["action"] == "email_requester":
            action["body"] = body
    trigger.save(update_fields=["actions"])


def test_only_unedited_default_bodies_gain_the_survey(acme, globex):
    apps = (
        MigrationLoader(connection)
        .project_state(("satisfaction", "0004_solved_email_offers_the_survey"))
        .apps
    )
    italian = Trigger.objects.for_account(acme).get(default_key="requester_solved")
    _set_body(italian, migration.OLD_BODIES[1])
    edited = Trigger.objects.for_account(globex).get(default_key="requester_solved")
    _set_body(edited, "Thanks! Tell us how we did.\n\n{{ticket.url}}")
    migration.offer_the_survey(apps, _Editor())
    italian.refresh_from_db()
    edited.refresh_from_db()
    assert _body(italian) == migration.OLD_BODIES[1] + "\n\n{{satisfaction.rating_section}}"
    assert _body(edited) == "Thanks! Tell us how we did.\n\n{{ticket.url}}"
    # Run twice: nothing doubles.
    migration.offer_the_survey(apps, _Editor())
    italian.refresh_from_db()
    assert _body(italian).count("rating_section") == 1
