"""Admins' changes to ticket fields and their options."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Account
from customfields.form_services import field_leaves_forms, fields_join_default_form
from customfields.models import FieldBase, FieldKind, LookupTarget, TicketField, TicketFieldOption
from customfields.values import check_regexp

EDITABLE = (
    "title",
    "description",
    "title_in_portal",
    "description_in_portal",
    "visible_in_portal",
    "editable_in_portal",
    "required",
    "required_for_types",
    "required_in_portal",
    "active",
    "position",
    "regexp",
    "lookup_target",
    "translations",
)
# User and organization fields: the same, without the ticket's end-user and solving rules.
PEOPLE_EDITABLE = (
    "title",
    "description",
    "active",
    "position",
    "regexp",
    "lookup_target",
    "translations",
)
MAX_OPTIONS = 500
OPTION_VALUE = re.compile(r"[^\s]{1,100}")


def option_value_for(title: str) -> str:
    """Zendesk's way of making a tag from a title: lower case, runs of spaces and
    ``::`` as underscores."""
    value = re.sub(r"\s+|::", "_", title.strip().lower())
    return value[:100]


def ticket_field_create(**kwargs: Any) -> TicketField:
    return field_create(model=TicketField, **kwargs)  # type: ignore[return-value]


@transaction.atomic
def field_create(
    *,
    model: type[FieldBase],
    account: Account,
    kind: str,
    title: str,
    options: list[dict] | None = None,
    **attrs: Any,
) -> FieldBase:
    """A ticket, user or organization field (``model``), with its options."""
    if "position" not in attrs:
        last = model.objects.for_account(account).aggregate(Max("position"))
        attrs["position"] = (last["position__max"] or 0) + 1
    field = _new_field(model, account, kind, title, options, attrs)
    field.save()
    if field.has_options:
        ticket_field_set_options(field=field, options=options or [])
    if isinstance(field, TicketField):
        fields_join_default_form([field])
    return field


@transaction.atomic
def ticket_fields_create_many(
    *, account: Account, specs: list[dict[str, Any]]
) -> list[TicketField]:
    """ticket_field_create for each of ``specs`` (its keyword arguments), in order, with
    the same rules, in a fixed handful of statements: every field and option is checked
    before any is written, then the fields, then all their options, in one statement each.
    A new account's default fields are made this way (customfields/defaults.py): ~3,000
    accounts a test run. tests/customfields/test_fields_in_bulk.py compares the rows with
    those ticket_field_create makes one by one."""
    last = TicketField.objects.for_account(account).aggregate(Max("position"))
    position = last["position__max"] or 0
    fields: list[TicketField] = []
    options_of: list[list[dict]] = []
    for spec in specs:
        attrs = dict(spec)
        kind, title, options = attrs.pop("kind"), attrs.pop("title"), attrs.pop("options", None)
        # As one by one: each field after the highest position so far, or where it says.
        attrs.setdefault("position", position + 1)
        field = _new_field(TicketField, account, kind, title, options, attrs)
        position = max(position, field.position)
        fields.append(field)
        options_of.append(options or [])
    TicketField.objects.bulk_create(fields)
    rows: list[TicketFieldOption] = []
    for field, options in zip(fields, options_of, strict=True):
        if field.has_options:
            rows += _option_rows(field=field, options=options, existing=[])
    TicketFieldOption.objects.bulk_create(rows)
    fields_join_default_form(fields)
    return fields


def _new_field[F: FieldBase](
    model: type[F],
    account: Account,
    kind: str,
    title: str,
    options: list[dict] | None,
    attrs: dict[str, Any],
) -> F:
    """A field checked and ready to be saved (field_create's rules before any write)."""
    if kind not in FieldKind.values:
        raise ValidationError(
            {
                "type": _("Unknown field type. Known types: %(known)s.")
                % {"known": ", ".join(FieldKind.values)}
            }
        )
    field = model(account=account, kind=kind)
    _set(field, {"title": title, **attrs})
    if options and not field.has_options:
        raise ValidationError(
            {"custom_field_options": _("Only drop-downs and multi-selects have options.")}
        )
    return field


@transaction.atomic
def ticket_field_update(
    *, field: FieldBase, options: list[dict] | None = None, **attrs: Any
) -> FieldBase:
    if "kind" in attrs and attrs.pop("kind") != field.kind:
        raise ValidationError({"type": _("A field's type cannot change; create a new field.")})
    _set(field, attrs)
    field.save()
    if options is not None:
        if not field.has_options:
            raise ValidationError(
                {"custom_field_options": _("Only drop-downs and multi-selects have options.")}
            )
        ticket_field_set_options(field=field, options=options)
    return field


def _set(field: FieldBase, attrs: dict[str, Any]) -> None:
    unknown = set(attrs) - set(EDITABLE if isinstance(field, TicketField) else PEOPLE_EDITABLE)
    if unknown:
        raise ValueError(f"not field attributes: {sorted(unknown)}")
    for name, value in attrs.items():
        setattr(field, name, value)
    field.title = (field.title or "").strip()
    if not field.title:
        raise ValidationError({"title": _("A field needs a title.")})
    if field.kind == FieldKind.REGEXP:
        if not field.regexp:
            raise ValidationError({"regexp": _("A regular-expression field needs its expression.")})
        check_regexp(field.regexp)
    if field.kind == FieldKind.LOOKUP and field.lookup_target not in LookupTarget.values:
        raise ValidationError(
            {"lookup_target": _("Choose whether it looks up users or organizations.")}
        )
    if isinstance(field, TicketField):
        _check_ticket_rules(field)
    field.full_clean(exclude=["account", "number"], validate_unique=False)


def _check_ticket_rules(field: TicketField) -> None:
    types = field.required_for_types or []
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise ValidationError({"required_for_types": _("A list of ticket types.")})
    if field.editable_in_portal:
        field.visible_in_portal = True
    if field.required_in_portal and not field.editable_in_portal:
        raise ValidationError(
            {"required_in_portal": _("Only a field end users can edit can be required on submit.")}
        )


def ticket_field_set_options(*, field: Any, options: list[dict]) -> None:
    """Replace the options. An option keeps its number and value (what tickets store)
    when matched by ``id`` or by ``value``; renaming it changes only its title. Changing
    a kept option's value is refused: the tickets holding it would lose their choice."""
    kept = _option_rows(field=field, options=options, existing=list(field.options.all()))
    for option in kept:
        if option.pk is not None:
            option.save()
    # New options in one statement (numbered in order, as one save() each would).
    field.options.model.objects.bulk_create([o for o in kept if o.pk is None])
    field.options.exclude(pk__in=[o.pk for o in kept]).delete()


def _option_rows(*, field: Any, options: list[dict], existing: list[Any]) -> list[Any]:
    """The options as rows, in order, checked: the field's ``existing`` ones renamed or
    moved (not saved yet), new ones without a pk. Writes nothing."""
    if not isinstance(options, list) or len(options) > MAX_OPTIONS:
        raise ValidationError(
            {"custom_field_options": _("At most %(max)d options.") % {"max": MAX_OPTIONS}}
        )
    by_number = {o.number: o for o in existing}
    by_value = {o.value: o for o in existing}
    kept: list[Any] = []
    seen: set[str] = set()
    for position, item in enumerate(options, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"custom_field_options": _("Each option needs a name.")})
        title = str(item.get("name") or item.get("title") or "").strip()[:200]
        if not title:
            raise ValidationError({"custom_field_options": _("Each option needs a name.")})
        value = str(item.get("value") or option_value_for(title)).strip()
        if not OPTION_VALUE.fullmatch(value):
            raise ValidationError(
                {
                    "custom_field_options": _(
                        "%(value)s: an option's value is one word of at most 100 characters."
                    )
                    % {"value": value[:40]}
                }
            )
        if value in seen:
            raise ValidationError(
                {
                    "custom_field_options": _("Two options have the value %(value)s.")
                    % {"value": value}
                }
            )
        seen.add(value)
        number = item.get("id")
        option = by_number.get(number) if isinstance(number, int) else None
        if option is not None and option.value != value:
            raise ValidationError(
                {
                    "custom_field_options": _(
                        "The option %(title)s keeps its value %(value)s: tickets store it. "
                        "Rename its title, or add a new option."
                    )
                    % {"title": option.title, "value": option.value}
                }
            )
        option = (
            option
            or by_value.get(value)
            or field.options.model(account_id=field.account_id, field=field, value=value)
        )
        option.title, option.position = title, position
        if isinstance(item.get("translations"), dict):
            option.translations = item["translations"]
        kept.append(option)
    return kept


@transaction.atomic
def ticket_field_delete(*, field: FieldBase) -> None:
    """The definition goes; values stored on tickets (users, organizations) stay in their
    rows, unread (a field made again gets a new number, so they never come back to
    life)."""
    if isinstance(field, TicketField):
        field_leaves_forms(field)
    field.delete()
