"""A field's values: each kind's validation, display and the rule "required to solve".

Storage (measured at 1M tickets, 900,000 in one account, 20 fields each set on ~70% of
tickets; the commit that chose it has the table): a ticket's values are one JSONB
object, ``Ticket.custom_fields``, keyed by the field's number, with one GIN index
(``jsonb_path_ops``). A view filtered on a drop-down asks ``custom_fields @> {"7": "x"}``:
its first page took 0.6 ms (a typed value table, one row per ticket and field: 19 ms),
its capped count 8 ms (90 ms), two conditions 1.3 ms (824 ms), a rare combination 14 ms
(1,063 ms); 290 MB against the value table's 1.7 GB; the ticket page reads one row,
not twenty; no DDL per field.

Stored shapes: text, multi-line text, regexp, date ("YYYY-MM-DD"), decimal (a string, so
no float rounding) and drop-down (the option's value) are strings; integer and lookup
(the user's or organization's per-account number) are integers; checkbox is ``true``;
multi-select is a list of option values in the options' order. An empty value is no
key at all (a cleared checkbox too), so "is set" is a key test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from customfields.models import FieldBase, FieldKind

TEXT_MAX = 1_000
TEXTAREA_MAX = 20_000
INTEGER_LIMIT = 2**53  # what a JSON client can hold exactly
TRUE = (True, 1, "1", "true", "True", "on", "yes")
FALSE = (False, 0, "0", "false", "False", "off", "no", "", None)


def _error(field: FieldBase, message: str) -> ValidationError:
    return ValidationError(
        _("%(field)s: %(problem)s") % {"field": field.label, "problem": message},
        code=field.key,
    )


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise TypeError
    return str(value).strip()


def clean_value(field: FieldBase, value: Any, *, options: Iterable[str] = ()) -> Any:
    """The stored form of ``value`` for ``field`` (None: no value), or a ValidationError
    saying what is wrong in words the person typing understands. ``options`` are the
    field's option values (drop-down, multi-select). Lookups are only shaped here; that
    the user or organization exists is checked by ``resolve_lookups``."""
    kind = field.kind
    if kind == FieldKind.CHECKBOX:
        if value in TRUE:
            return True
        if value in FALSE:
            return None
        raise _error(field, _("this is a checkbox: true or false."))
    if kind == FieldKind.MULTISELECT:
        return _clean_multiselect(field, value, list(options))
    if value is None or value == "" or value == []:
        return None
    try:
        text = _text(value)
    except TypeError:
        raise _error(field, _("this field takes a single value.")) from None
    if text == "":
        return None
    cleaner = CLEANERS.get(kind)
    return cleaner(field, text, value, list(options)) if cleaner else text


def _clean_text(field: FieldBase, text: str, raw: Any, options: list[str]) -> str:
    if "\n" in text or "\r" in text:
        raise _error(field, _("this field takes a single line."))
    if len(text) > TEXT_MAX:
        raise _error(field, _("at most %(max)d characters.") % {"max": TEXT_MAX})
    return text


def _clean_textarea(field: FieldBase, text: str, raw: Any, options: list[str]) -> str:
    if len(text) > TEXTAREA_MAX:
        raise _error(field, _("at most %(max)d characters.") % {"max": TEXTAREA_MAX})
    return text


def _clean_integer(field: FieldBase, text: str, raw: Any, options: list[str]) -> int:
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not re.fullmatch(r"[+-]?\d{1,16}", text) or abs(int(text)) > INTEGER_LIMIT:
        raise _error(field, _("%(value)s is not a whole number.") % {"value": _shown(text)})
    return int(text)


def _clean_decimal(field: FieldBase, text: str, raw: Any, options: list[str]) -> str:
    try:
        number = Decimal(text.replace(",", ".")) if len(text) <= 40 else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _error(field, _("%(value)s is not a number.") % {"value": _shown(text)})
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


def _clean_date(field: FieldBase, text: str, raw: Any, options: list[str]) -> str:
    try:
        return dt.date.fromisoformat(
            text[:10] if len(text) > 10 and "T" in text else text
        ).isoformat()
    except ValueError:
        raise _error(
            field, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": _shown(text)}
        ) from None


def _clean_dropdown(field: FieldBase, text: str, raw: Any, options: list[str]) -> str:
    if text not in options:
        raise _error(field, _("%(value)s is not one of its options.") % {"value": _shown(text)})
    return text


def _clean_regexp(field: FieldBase, text: str, raw: Any, options: list[str]) -> str:
    text = _clean_text(field, text, raw, options)
    if field.regexp and not re.fullmatch(field.regexp, text):
        raise _error(
            field,
            _("%(value)s does not have the expected format.") % {"value": _shown(text)},
        )
    return text


def _clean_lookup(field: FieldBase, text: str, raw: Any, options: list[str]) -> int:
    if not text.isdigit() or not 0 < int(text) < 10**15:
        raise _error(
            field,
            _("%(value)s is not the number of a %(target)s.")
            % {"value": _shown(text), "target": str(field.get_lookup_target_display()).lower()},
        )
    return int(text)


def _clean_multiselect(field: FieldBase, value: Any, options: list[str]) -> list[str] | None:
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _error(field, _("this field takes a list of option values."))
    unknown = [v for v in value if v not in options]
    if unknown:
        raise _error(
            field, _("%(value)s is not one of its options.") % {"value": _shown(unknown[0])}
        )
    chosen = set(value)
    return [o for o in options if o in chosen] or None


CLEANERS: dict[str, Callable[[FieldBase, str, Any, list[str]], Any]] = {
    FieldKind.TEXT: _clean_text,
    FieldKind.TEXTAREA: _clean_textarea,
    FieldKind.INTEGER: _clean_integer,
    FieldKind.DECIMAL: _clean_decimal,
    FieldKind.DATE: _clean_date,
    FieldKind.DROPDOWN: _clean_dropdown,
    FieldKind.REGEXP: _clean_regexp,
    FieldKind.LOOKUP: _clean_lookup,
}


def _shown(value: Any) -> str:
    return f'"{str(value)[:40]}"'


def check_regexp(pattern: str) -> None:
    """An admin's regular expression, refused with a message when it does not compile."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValidationError(
            {"regexp": _("This is not a valid regular expression: %(error)s") % {"error": exc}}
        ) from None


def is_required_to_solve(field: Any, ticket_type: str) -> bool:
    return bool(field.required) and (
        not field.required_for_types or ticket_type in field.required_for_types
    )


def missing_to_solve(fields: Iterable[Any], values: dict, ticket_type: str) -> list[str]:
    """Titles of the active fields required to solve this ticket that have no value."""
    return [
        f.label
        for f in fields
        if f.active and is_required_to_solve(f, ticket_type) and values.get(f.key) is None
    ]


def api_value(field: FieldBase, stored: Any) -> Any:
    """A stored value as the API answers it (Zendesk's: a checkbox is false when unset)."""
    if field.kind == FieldKind.CHECKBOX:
        return bool(stored)
    return stored
