"""Admins' changes to ticket forms (issue 19): a named, ordered set of fields, the
conditions between them, and which one is the account's default."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Account
from customfields.conditions import clean_conditions
from customfields.models import TicketField, TicketForm
from customfields.selectors import ticket_fields_for_account

EDITABLE = (
    "name",
    "name_in_portal",
    "visible_in_portal",
    "active",
    "default",
    "position",
    "field_numbers",
    "conditions",
    "translations",
)
MAX_FIELDS = 400


@transaction.atomic
def ticket_form_create(*, account: Account, name: str, **attrs: Any) -> TicketForm:
    if "position" not in attrs:
        last = TicketForm.objects.for_account(account).aggregate(Max("position"))
        attrs["position"] = (last["position__max"] or 0) + 1
    form = TicketForm(account=account)
    if not TicketForm.objects.for_account(account).filter(default=True).exists():
        form.default = True  # an account's first form is its default
    _set(form, {"name": name, **attrs})
    return form


@transaction.atomic
def ticket_forms_create_many(*, account: Account, specs: list[dict[str, Any]]) -> list[TicketForm]:
    """ticket_form_create for each of ``specs`` (its keyword arguments), in order, with
    the same rules and the same outcome, in a fixed handful of statements: a new
    account's default forms (customfields/defaults.py; tests/customfields/
    test_fields_in_bulk.py compares the rows with those made one by one)."""
    last = TicketForm.objects.for_account(account).aggregate(Max("position"))
    position = last["position__max"] or 0
    has_default = TicketForm.objects.for_account(account).filter(default=True).exists()
    fields = _fields_of(account)
    forms: list[TicketForm] = []
    for spec in specs:
        attrs = dict(spec)
        attrs.setdefault("position", position + 1)
        form = TicketForm(account=account, default=not has_default)
        _clean(form, attrs, fields)
        position = max(position, form.position)
        has_default = has_default or form.default
        forms.append(form)
    # One by one, each default form takes the default from the ones before it.
    defaults = [form for form in forms if form.default]
    for form in defaults[:-1]:
        form.default = False
    TicketForm.objects.bulk_create(forms)
    if defaults:
        TicketForm.objects.for_account(account).exclude(pk__in=[f.pk for f in forms]).filter(
            default=True
        ).update(default=False)
    return forms


@transaction.atomic
def ticket_form_update(*, form: TicketForm, **attrs: Any) -> TicketForm:
    if attrs.get("default") is False and form.default:
        attrs.pop("default")  # another form becomes the default by being made it
    _set(form, attrs)
    return form


def _set(form: TicketForm, attrs: dict[str, Any]) -> None:
    _clean(form, attrs, _fields_of(form.account))
    form.save()
    if form.default:
        TicketForm.objects.for_account(form.account).exclude(pk=form.pk).filter(
            default=True
        ).update(default=False)


def _fields_of(account: Account) -> dict[int, TicketField]:
    return {f.number: f for f in ticket_fields_for_account(account=account)}


def _clean(form: TicketForm, attrs: dict[str, Any], fields: dict[int, TicketField]) -> None:
    """``attrs`` set on ``form`` and checked against the account's ``fields``; no write."""
    attrs = dict(attrs)
    unknown = set(attrs) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not form attributes: {sorted(unknown)}")
    conditions = attrs.pop("conditions", None)
    for name, value in attrs.items():
        setattr(form, name, value)
    form.name = (form.name or "").strip()
    if not form.name:
        raise ValidationError({"name": _("A form needs a name.")})
    numbers = form.field_numbers
    if (
        not isinstance(numbers, list)
        or len(numbers) > MAX_FIELDS
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)
    ):
        raise ValidationError({"ticket_field_ids": _("A list of ticket field ids.")})
    unknown_numbers = [n for n in numbers if n not in fields]
    if unknown_numbers:
        raise ValidationError(
            {"ticket_field_ids": _("There is no ticket field %(id)s.") % {"id": unknown_numbers[0]}}
        )
    form.field_numbers = list(dict.fromkeys(numbers))
    on_form = {n: fields[n] for n in form.field_numbers}
    form.conditions = clean_conditions(
        form.conditions if conditions is None else conditions, on_form
    )
    if form.default:
        form.active = True
    form.full_clean(exclude=["account", "number"], validate_unique=False)


@transaction.atomic
def ticket_form_delete(*, form: TicketForm) -> None:
    """Tickets on the form keep its number and read as on the default form (no ticket
    is written: forms are named by number)."""
    if form.default:
        raise ValidationError(
            {"default": _("The default form cannot be deleted; make another form the default.")}
        )
    form.delete()


def fields_join_default_form(fields: list[TicketField]) -> None:
    """New fields join the default form (so they show on tickets at once, as before
    forms existed); an admin takes them off where they do not belong."""
    if not fields:
        return
    form = (
        TicketForm.objects.for_account(fields[0].account)
        .select_for_update()
        .filter(default=True)
        .first()
    )
    if form is None:
        return
    numbers = [f.number for f in fields if f.number not in form.field_numbers]
    if numbers:
        form.field_numbers = [*form.field_numbers, *numbers]
        form.save(update_fields=["field_numbers", "updated_at"])


def field_leaves_forms(field: TicketField) -> None:
    """A deleted field leaves every form, and the conditions naming it go."""
    for form in TicketForm.objects.for_account(field.account).select_for_update():
        numbers = [n for n in form.field_numbers if n != field.number]
        conditions = [
            {
                **c,
                "child_fields": [x for x in c["child_fields"] if x["id"] != field.number],
            }
            for c in form.conditions
            if c["parent_field_id"] != field.number
        ]
        conditions = [c for c in conditions if c["child_fields"]]
        if numbers != form.field_numbers or conditions != form.conditions:
            form.field_numbers, form.conditions = numbers, conditions
            form.save(update_fields=["field_numbers", "conditions", "updated_at"])


@transaction.atomic
def ticket_form_move_field(*, form: TicketForm, field_number: int, direction: str) -> TicketForm:
    """Move a field of ``form`` one step "up" or "down" in the order agents and end
    users see the form's fields. A field not on the form, the first moved up or the last
    moved down change nothing. The form's row is locked, so two admins' moves apply one
    after the other instead of one undoing the other."""
    locked = TicketForm.objects.for_account(form.account).select_for_update().get(pk=form.pk)
    numbers = list(locked.field_numbers)
    if field_number not in numbers or direction not in ("up", "down"):
        return locked
    index = numbers.index(field_number)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(numbers):
        return locked
    numbers[index], numbers[other] = numbers[other], numbers[index]
    return ticket_form_update(form=locked, field_numbers=numbers)
