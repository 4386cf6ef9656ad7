"""The services' bulk paths (ticket_fields_create_many, ticket_forms_create_many), which
make every new account's default fields and forms: the same rows as ticket_field_create
and ticket_form_create one by one (numbers, positions, options, which form is the
default, which fields join it), the same refusals, and nothing written when a field or
option among them is refused."""

from __future__ import annotations

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from customfields.apps import _install_default_fields
from customfields.defaults import default_specs
from customfields.form_services import ticket_form_create, ticket_forms_create_many
from customfields.models import TicketField, TicketFieldOption, TicketForm
from customfields.services import ticket_field_create, ticket_fields_create_many
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

SKIPPED = {"id", "account", "created_at", "updated_at"}


def rows(account: Account) -> dict[str, list[dict]]:
    """Everything the services wrote for ``account``, without ids and times."""

    def values(row, **extra):
        return {
            f.name: getattr(row, f.name)
            for f in row._meta.concrete_fields
            if f.name not in SKIPPED | set(extra)
        } | extra

    return {
        "fields": [values(f) for f in TicketField.objects.for_account(account).order_by("number")],
        "options": [
            values(o, field=o.field.number)
            for o in TicketFieldOption.objects.for_account(account)
            .select_related("field")
            .order_by("number")
        ],
        "forms": [values(f) for f in TicketForm.objects.for_account(account).order_by("number")],
    }


@contextlib.contextmanager
def without_default_fields():
    post_save.disconnect(sender=Account, dispatch_uid="customfields.default_fields")
    try:
        yield
    finally:
        post_save.connect(
            _install_default_fields, sender=Account, dispatch_uid="customfields.default_fields"
        )


def one_by_one(account, field_specs, form_specs):
    made = [ticket_field_create(account=account, **spec) for spec in field_specs]
    for spec in form_specs:
        ticket_form_create(account=account, **spec)
    return made


def test_a_new_accounts_defaults_are_the_rows_one_by_one_would_make():
    bulk = AccountFactory(subdomain="bulk", default_locale="it")
    with without_default_fields():
        single = AccountFactory(subdomain="single", default_locale="it")
    assert not TicketField.objects.for_account(single).exists()
    field_specs, form_specs = default_specs(single)
    made = one_by_one(single, field_specs, [])
    for spec in form_specs:
        numbers = [made[i].number for i in spec.pop("fields")]
        ticket_form_create(account=single, field_numbers=numbers, **spec)

    expected = rows(single)
    assert rows(bulk) == expected
    assert [f["title"] for f in expected["fields"]] == [
        "Causa principale",
        "Impatto",
        "Famiglia di prodotti",
    ]
    assert len(expected["options"]) == 15 and len(expected["forms"]) == 2


def test_bulk_fields_and_forms_on_an_account_with_some_match_one_by_one():
    """Explicit and implicit positions, options, fields joining the default form, a new
    form made the default and another after it, conditions: as one by one."""
    accounts = [AccountFactory(subdomain="bulk"), AccountFactory(subdomain="single")]
    field_specs = [
        {"kind": "text", "title": " Serial ", "position": 10, "visible_in_portal": True},
        {
            "kind": "tagger",
            "title": "Kind",
            "editable_in_portal": True,
            "options": [{"name": "Outage"}, {"name": "Question", "value": "q"}],
        },
        {"kind": "checkbox", "title": "Urgent", "required": True},
    ]
    made = {
        "bulk": ticket_fields_create_many(account=accounts[0], specs=field_specs),
        "single": one_by_one(accounts[1], field_specs, []),
    }
    for account in accounts:
        kind, since = made[account.subdomain][1], made[account.subdomain][0]
        form_specs = [
            {
                "name": "Outage",
                "default": True,
                "field_numbers": [kind.number, since.number, kind.number],
                "conditions": [
                    {
                        "parent_field_id": kind.number,
                        "value": "outage",
                        "child_fields": [{"id": since.number, "is_required": True}],
                    }
                ],
            },
            {"name": "Later", "default": True, "active": False, "position": 1},
            {"name": "Last"},
        ]
        if account.subdomain == "bulk":
            ticket_forms_create_many(account=account, specs=form_specs)
        else:
            one_by_one(account, [], form_specs)
    bulk, single = rows(accounts[0]), rows(accounts[1])
    assert bulk == single
    defaults = [f["name"] for f in single["forms"] if f["default"]]
    assert defaults == ["Later"]
    default_form = next(f for f in single["forms"] if f["name"] == "Default ticket form")
    assert default_form["field_numbers"][-3:] == [4, 5, 6]  # the new fields joined it


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "text", "title": "  "}, "needs a title"),
        ({"kind": "nope", "title": "X"}, "Unknown field type"),
        ({"kind": "text", "title": "X", "options": [{"name": "A"}]}, "Only drop-downs"),
        (
            {"kind": "tagger", "title": "X", "options": [{"name": "A"}, {"name": "a"}]},
            "Two options have the value a",
        ),
        ({"kind": "tagger", "title": "X", "options": [{"name": ""}]}, "needs a name"),
        ({"kind": "regexp", "title": "X"}, "needs its expression"),
    ],
)
def test_bulk_refuses_what_one_by_one_refuses_and_writes_nothing(acme, spec, message):
    with pytest.raises(ValidationError, match=message):
        ticket_field_create(account=acme, **spec)
    before = rows(acme)
    good = {"kind": "tagger", "title": "Fine", "options": [{"name": "Yes"}]}
    with pytest.raises(ValidationError, match=message):
        ticket_fields_create_many(account=acme, specs=[good, spec])
    assert rows(acme) == before


def test_bulk_forms_refuse_what_one_by_one_refuses_and_write_nothing(acme):
    before = rows(acme)
    for bad in ({"name": " "}, {"name": "X", "field_numbers": [999]}):
        with pytest.raises(ValidationError):
            ticket_form_create(account=acme, **bad)
        with pytest.raises(ValidationError):
            ticket_forms_create_many(account=acme, specs=[{"name": "Fine"}, bad])
    assert rows(acme) == before


def test_the_defaults_take_a_fixed_handful_of_statements():
    with without_default_fields():
        account = AccountFactory(subdomain="counted")
    with CaptureQueriesContext(connection) as queries:
        _install_default_fields(sender=Account, instance=account, created=True)
    # 49 one by one (a field: 9 to 10 statements; a form: 8).
    assert len(queries) == 19
