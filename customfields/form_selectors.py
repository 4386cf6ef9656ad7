"""Reads of ticket forms: which form a ticket is on, which forms the help center
offers, and a form's fields in its order (as a viewer may see them)."""

from __future__ import annotations

from django.db.models import Q

from accounts import compiled
from accounts.models import Account
from customfields.conditions import Shown, evaluate
from customfields.models import TicketField, TicketForm


def ticket_forms_for_account(*, account: Account) -> list[TicketForm]:
    """Every form of the account, in order (compiled once per account and process:
    accounts.compiled; the ticket page reads them on every request)."""
    return compiled.rows(
        TicketForm,
        ("ticket_forms", account.pk),
        lambda: TicketForm.objects.for_account(account).order_by("position", "number"),
    )


def ticket_form_for_ticket(*, account: Account, number: int | None) -> TicketForm | None:
    """The form a ticket is on: the one it names, else (none named, or that form deleted)
    the account's default; None for an account without forms (every field shows). One
    query."""
    wanted = Q(default=True)
    if number is not None:
        wanted |= Q(number=number)
    forms = list(TicketForm.objects.for_account(account).filter(wanted)[:2])
    named = [f for f in forms if f.number == number]
    return named[0] if named else (forms[0] if forms else None)


def form_among(forms: list[TicketForm], number: int | None) -> TicketForm | None:
    """ticket_form_for_ticket on forms already read."""
    named = [f for f in forms if number is not None and f.number == number]
    defaults = [f for f in forms if f.default]
    return named[0] if named else (defaults[0] if defaults else None)


def portal_forms(*, account: Account) -> list[TicketForm]:
    """The forms end users choose from in the help center (active, shown there)."""
    return list(
        TicketForm.objects.for_account(account)
        .filter(active=True, visible_in_portal=True)
        .order_by("position", "number")
    )


def fields_on_form(form: TicketForm | None, fields: list[TicketField]) -> list[TicketField]:
    """Of ``fields``, those on ``form`` in the form's order (no form: all of them)."""
    if form is None:
        return fields
    by_number = {f.number: f for f in fields}
    return [by_number[n] for n in form.field_numbers if n in by_number]


def shown_on_form(form: TicketForm | None, fields: list[TicketField], values: dict) -> Shown:
    """Which of the form's fields its conditions hide and make required, for ``values``.
    ``fields``: every active field of the account (a condition's parent may be one the
    viewer does not see: an agent-only parent hides an end user's child until an agent
    sets it)."""
    if form is None or not form.conditions:
        return Shown()
    on_form = {f.number: f for f in fields_on_form(form, fields)}
    return evaluate(form.conditions, on_form, values)
