"""Settings URLs carry per-account numbers, never primary keys: triggers and suppressed
addresses are numbered 1, 2, 3… in each account (as tickets are), by save() and
bulk_create() alike (delivery rows are addressed by their random Message-ID instead:
tests/notifications/test_delivery_log.py); the rows that existed before are numbered by the
migration, and each account's counter continues after them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Suppression, Trigger
from notifications.services import trigger_create
from notifications.suppressions import suppression_add


def numbers(model, account) -> list[int]:
    return list(model.objects.for_account(account).order_by("id").values_list("number", flat=True))


def new_trigger(account, name="Tag it"):
    return trigger_create(
        account=account, name=name, conditions=[], actions=[{"action": "add_tag", "value": "x"}]
    )


def test_triggers_are_numbered_per_account_and_linked_by_number(
    acme, globex, acme_admin, client_for
):
    defaults = len(numbers(Trigger, acme))
    assert numbers(Trigger, acme) == numbers(Trigger, globex) == list(range(1, defaults + 1))
    made = new_trigger(acme)
    assert made.number == defaults + 1
    html = client_for(acme_admin).get("/agent/settings/triggers/").text
    linked = {int(n) for n in re.findall(r'href="/agent/settings/triggers/(\d+)/"', html)}
    assert linked == set(range(1, defaults + 2))
    page = client_for(acme_admin).get(f"/agent/settings/triggers/{made.number}/")
    assert page.status_code == 200 and "Tag it" in page.text


def test_a_trigger_number_reaches_only_the_admins_own_account(acme, globex, acme_admin, client_for):
    theirs = new_trigger(globex, name="Globex only")
    client = client_for(acme_admin)
    assert client.get(f"/agent/settings/triggers/{theirs.number}/").status_code == 404
    assert client.post(f"/agent/settings/triggers/{theirs.number}/delete/").status_code == 404
    assert Trigger.objects.for_account(globex).filter(pk=theirs.pk).exists()
    # The same number at acme is acme's own trigger.
    mine = new_trigger(acme, name="Acme only")
    assert mine.number == theirs.number
    page = client.get(f"/agent/settings/triggers/{mine.number}/").text
    assert "Acme only" in page and "Globex only" not in page
    # And not by its primary key.
    assert theirs.pk != theirs.number


def test_suppressed_addresses_are_lifted_by_number(acme, globex, acme_admin, client_for):
    suppression_add(account_id=globex.pk, email="a@globex.example", reason="bounced")
    row = suppression_add(account_id=acme.pk, email="a@acme.example", reason="bounced")
    assert row.number == 1
    client = client_for(acme_admin)
    assert (
        'action="/agent/settings/suppressions/1/lift/"'
        in client.get("/agent/settings/suppressions/").text
    )
    assert client.post("/agent/settings/suppressions/1/lift/").status_code == 302
    assert not Suppression.objects.for_account(acme).exists()
    assert Suppression.objects.for_account(globex).exists()


def test_rows_written_in_bulk_take_the_next_numbers_of_their_account(acme, globex):
    # bulk_create calls no save(): NumberedTenantQuerySet numbers the rows itself.
    suppression_add(account_id=acme.pk, email="first@acme.example", reason="bounced")
    made = Suppression.objects.bulk_create(
        [
            Suppression(account=acme, email="a@acme.example", reason="bounced"),
            Suppression(account=globex, email="a@globex.example", reason="bounced"),
            Suppression(account=acme, email="b@acme.example", reason="bounced"),
        ]
    )
    assert [row.number for row in made] == [2, 1, 3]
    assert numbers(Suppression, acme) == [1, 2, 3]
    assert numbers(Suppression, globex) == [1]


@pytest.mark.django_db(transaction=True)
def test_migration_numbers_existing_rows_per_account_and_the_counter_continues():
    before, after = (
        ("notifications", "0003_suppression"),
        ("notifications", "0005_numbers_required"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    Account = old.get_model("accounts", "Account")
    OldTrigger = old.get_model("notifications", "Trigger")
    first, second = (Account.objects.create(subdomain=s, name=s) for s in ("one", "two"))
    # Interleaved, so the primary keys of each account's rows are not 1, 2, 3.
    for i in range(3):
        for account in (first, second):
            OldTrigger.objects.create(account=account, name=f"t{i}", position=i)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from accounts.models import Account as RealAccount

    one = RealAccount.objects.get(subdomain="one")
    two = RealAccount.objects.get(subdomain="two")
    # Three numbered by the migration; the fourth is the default escalation trigger a
    # later migration gives existing accounts (escalations, issue 27), numbered after them.
    assert numbers(Trigger, one) == numbers(Trigger, two) == [1, 2, 3, 4]
    assert new_trigger(two).number == 5
