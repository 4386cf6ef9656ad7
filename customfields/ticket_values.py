"""A change of a ticket's field values, checked: what the ticket services apply.

Every channel (sidebar, new-ticket form, API, macros, help center) hands its raw values
here, keyed by field number, with the fields the actor may edit
(selectors.ticket_fields_editable_by); a number outside them is refused exactly as an
unknown one, so an end user learns nothing of agent-only fields.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Account, Organization, User
from customfields.models import FieldKind, LookupTarget, TicketField
from customfields.selectors import option_values
from customfields.values import clean_value

MAX_VALUES = 200


def parse_number(key: Any) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key if 0 < key < 10**15 else None
    if isinstance(key, str) and key.isdigit() and len(key) < 15:
        return int(key)
    return None


def clean_values(*, account: Account, fields: list[TicketField], raw: dict) -> dict[str, Any]:
    """``raw`` ({number: value}) as stored values ({key: value or None for cleared}), or
    one ValidationError listing every problem (keyed ``custom_fields``)."""
    if not isinstance(raw, dict) or len(raw) > MAX_VALUES:
        raise ValidationError({"custom_fields": _("Custom fields must be a list of id and value.")})
    by_number = {f.number: f for f in fields}
    cleaned: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in raw.items():
        field = by_number.get(parse_number(key))  # type: ignore[arg-type]
        if field is None:
            errors.append(_("There is no ticket field %(id)s.") % {"id": str(key)[:20]})
            continue
        try:
            cleaned[field.key] = clean_value(field, value, options=option_values(field))
        except ValidationError as exc:
            errors.extend(exc.messages)
    errors.extend(_missing_lookups(account, by_number, cleaned))
    if errors:
        raise ValidationError({"custom_fields": errors})
    return cleaned


def _missing_lookups(account: Account, by_number: dict, cleaned: dict) -> list[str]:
    errors = []
    for target, model in ((LookupTarget.USER, User), (LookupTarget.ORGANIZATION, Organization)):
        wanted = {
            key: number
            for key, number in cleaned.items()
            if number is not None
            and by_number[int(key)].kind == FieldKind.LOOKUP
            and by_number[int(key)].lookup_target == target
        }
        if not wanted:
            continue
        found = set(
            model.objects.for_account(account)
            .filter(number__in=set(wanted.values()))
            .values_list("number", flat=True)
        )
        for key, number in wanted.items():
            if number not in found:
                field = by_number[int(key)]
                errors.append(
                    _("%(field)s: there is no %(target)s number %(number)s.")
                    % {
                        "field": field.label,
                        "target": str(field.get_lookup_target_display()).lower(),
                        "number": number,
                    }
                )
    return errors


def merged(current: dict, cleaned: dict) -> dict:
    """The ticket's values after ``cleaned`` (None removes a key)."""
    result = dict(current or {})
    for key, value in cleaned.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result
