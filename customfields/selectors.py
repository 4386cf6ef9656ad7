"""Reads of fields, and which of them a viewer sees or edits (decided here only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import compiled
from accounts.models import Account, Organization, User
from customfields.models import FieldBase, FieldKind, TicketField, TicketFieldOption


def ticket_fields_for_account(*, account: Account) -> QuerySet[TicketField]:
    """Every field, active or not, with its options (two queries), in position order."""
    options = TicketFieldOption.objects.for_account(account).order_by("position", "number")
    return (
        TicketField.objects.for_account(account)
        .order_by("position", "number")
        .prefetch_related(Prefetch("options", queryset=options))
    )


def ticket_fields_for_viewer(
    *, account: Account, viewer: User | None, with_options: bool = True, agents: bool = False
) -> list[TicketField]:
    """The active fields ``viewer`` may see: agents all of them; end users (and anyone
    else) only those made visible to end users. Agent-only fields never leave here for
    an end user, whatever the page or the API asks (``agents=True``: for the system or
    an agent's rule, such as a macro's action). ``with_options=False`` spares the
    options' query for a caller that needs none (the API's values)."""
    portal_only = not agents and (viewer is None or not viewer.is_agent)

    def build() -> QuerySet[TicketField]:
        fields = ticket_fields_for_account(account=account).filter(active=True)
        fields = fields.prefetch_related(None)
        return fields.filter(visible_in_portal=True) if portal_only else fields

    # Compiled once per account and process (accounts.compiled): the ticket page reads
    # them on every request, and building the two querysets cost more than their rows.
    fields = compiled.rows(TicketField, ("ticket_fields", account.pk, portal_only), build)
    if with_options:
        _attach_options(account, fields)
    return fields


def _attach_options(account: Account, fields: list[TicketField]) -> None:
    """ticket_fields_for_account's prefetch of the options, on fields already read: the
    account's options in position order (one compiled query), each field's as
    ``field.options.all()`` answers once prefetched. No fields, no query (as the
    prefetch)."""
    if not fields:
        return
    options = compiled.rows(
        TicketFieldOption,
        ("ticket_field_options", account.pk),
        lambda: TicketFieldOption.objects.for_account(account).order_by("position", "number"),
    )
    by_field: dict[int, list[TicketFieldOption]] = {field.pk: [] for field in fields}
    for option in options:
        if option.field_id in by_field:
            by_field[option.field_id].append(option)
    for field in fields:
        prefetched: Any = field.options.all()
        for option in by_field[field.pk]:
            option.field = field
        prefetched._result_cache = by_field[field.pk]
        prefetched._prefetch_done = True
        field._prefetched_objects_cache = {"options": prefetched}  # type: ignore[attr-defined]  # as Django's prefetch


def ticket_fields_editable_by(*, account: Account, viewer: User) -> list[TicketField]:
    """Agents edit every active field; end users only visible and editable ones."""
    fields = ticket_fields_for_viewer(account=account, viewer=viewer)
    if viewer.is_agent:
        return fields
    return [f for f in fields if f.editable_in_portal]


def editable_among(fields: list[TicketField], viewer: User) -> list[TicketField]:
    """Of the active ``fields``, those ``viewer`` edits (ticket_fields_editable_by's rule
    on fields already read)."""
    if viewer.is_agent:
        return fields
    return [f for f in fields if f.visible_in_portal and f.editable_in_portal]


def dropdown_options(*, account: Account) -> list[TicketFieldOption]:
    """The options of the active drop-down fields, each with its field, in the fields'
    order then the options' (one query: the lists' bulk bar)."""
    return list(
        TicketFieldOption.objects.for_account(account)
        .filter(field__active=True, field__kind=FieldKind.DROPDOWN)
        .select_related("field")
        .order_by("field__position", "field__number", "position", "number")
    )


def option_values(field: FieldBase) -> list[str]:
    options: Any = field.options  # type: ignore[attr-defined]  # each kind's own options
    return [o.value for o in options.all()]


@dataclass(frozen=True)
class Shown:
    """One field's value as a page shows it."""

    field: TicketField
    value: Any  # stored
    text: str  # for people


def display_text(field: TicketField, value: Any, names: dict[tuple[str, int], str]) -> str:
    """``value`` as people read it: option titles (kept apart with commas), Yes for a
    checkbox, a formatted date, a lookup's name."""
    if value is None:
        return ""
    if field.kind in (FieldKind.DROPDOWN, FieldKind.MULTISELECT):
        titles = {o.value: o.label for o in field.options.all()}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(str(titles.get(v, v)) for v in chosen)
    if field.kind == FieldKind.CHECKBOX:
        return _("Yes") if value else ""
    if field.kind == FieldKind.DATE:
        import datetime as dt

        try:
            return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if field.kind == FieldKind.LOOKUP:
        return names.get((field.lookup_target, value), f"#{value}")
    return str(value)


def lookup_names(
    *, account: Account, fields: list[TicketField], values: list[dict]
) -> dict[tuple[str, int], str]:
    """Names of the users and organizations the lookup fields of ``values`` point at
    (one query per kind named, none when there is no lookup field)."""
    wanted: dict[str, set[int]] = {"user": set(), "organization": set()}
    for field in fields:
        if field.kind == FieldKind.LOOKUP and field.lookup_target in wanted:
            for row in values:
                number = row.get(field.key)
                if isinstance(number, int):
                    wanted[field.lookup_target].add(number)
    names: dict[tuple[str, int], str] = {}
    for target, model in (("user", User), ("organization", Organization)):
        if wanted[target]:
            qs = model.objects.for_account(account).filter(number__in=wanted[target])
            names |= {(target, n or 0): str(name) for n, name in qs.values_list("number", "name")}
    return names


def values_shown(*, account: Account, fields: list[TicketField], values: dict) -> list[Shown]:
    names = lookup_names(account=account, fields=fields, values=[values])
    return [Shown(f, values.get(f.key), display_text(f, values.get(f.key), names)) for f in fields]
