"""The seeds' fields every new account starts with (issue 19): ordinary rows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from accounts.models import Account
from customfields.models import FieldKind, TicketField, TicketForm
from customfields.services import ticket_fields_create_many

# Titles are data, in the account's language when it is made; gettext_noop marks them
# for the catalogues, and fields_install_defaults translates them once.
DEFAULT_FIELDS: list[dict[str, Any]] = [
    {
        "title": gettext_noop("Root cause"),
        "required": True,
        "required_for_types": ["problem"],
        "options": [
            ("configuration", gettext_noop("Configuration")),
            ("software_defect", gettext_noop("Software defect")),
            ("hardware_failure", gettext_noop("Hardware failure")),
            ("network", gettext_noop("Network")),
            ("third_party", gettext_noop("Third party")),
            ("user_error", gettext_noop("User error")),
            ("unknown", gettext_noop("Unknown")),
        ],
    },
    {
        "title": gettext_noop("Impact"),
        "options": [
            ("low", gettext_noop("Low")),
            ("medium", gettext_noop("Medium")),
            ("high", gettext_noop("High")),
            ("critical", gettext_noop("Critical")),
        ],
    },
    {
        "title": gettext_noop("Product family"),
        "options": [
            ("hardware", gettext_noop("Hardware")),
            ("software", gettext_noop("Software")),
            ("network", gettext_noop("Network")),
            ("services", gettext_noop("Services")),
        ],
    },
]


# The forms: every field on the default one; "Escalation" (seed 004: escalations an
# agent raises, followed through the Escalation statuses) carries impact, product family
# and root cause. Neither is offered in the help center until an admin says so, so the
# help center's Submit a request stays one form.
DEFAULT_FORMS: list[dict[str, Any]] = [
    {"name": gettext_noop("Default ticket form"), "default": True, "fields": [0, 1, 2]},
    {"name": gettext_noop("Escalation"), "default": False, "fields": [1, 2, 0]},
]


def _translations(msgid: str) -> dict[str, str]:
    from django.utils import translation

    result = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            result[code] = translation.gettext(msgid)
    return result


def default_specs(account: Account) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The seeds' fields and forms as the services take them, in the account's language;
    a form's ``fields`` are indexes into the fields."""
    from django.utils import translation

    fields: list[dict[str, Any]] = []
    with translation.override(account.default_locale or "en"):
        for spec in DEFAULT_FIELDS:
            spec = dict(spec)
            options = [
                {
                    "value": value,
                    "name": translation.gettext(title),
                    "translations": _translations(title),
                }
                for value, title in spec.pop("options")
            ]
            msgid = spec.pop("title")
            fields.append(
                {
                    "kind": FieldKind.DROPDOWN,
                    "title": translation.gettext(msgid),
                    "options": options,
                    "translations": _translations(msgid),
                    **spec,
                }
            )
        forms = [
            {
                "name": translation.gettext(spec["name"]),
                "translations": _translations(spec["name"]),
                "default": spec["default"],
                "fields": spec["fields"],
            }
            for spec in DEFAULT_FORMS
        ]
    return fields, forms


def fields_install_defaults(*, account: Account) -> None:
    """The seeds' fields and forms, unless the account has fields or forms already. Made
    by the services' bulk paths, with their rules: ~20 statements instead of ~50 one by
    one, and a new account is made in every test."""
    from customfields.form_services import ticket_forms_create_many

    if TicketField.objects.for_account(account).exists():
        return
    field_specs, form_specs = default_specs(account)
    made = ticket_fields_create_many(account=account, specs=field_specs)
    if TicketForm.objects.for_account(account).exists():
        return
    specs = []
    for spec in form_specs:
        indexes = spec.pop("fields")
        specs.append({**spec, "field_numbers": [made[i].number for i in indexes]})
    ticket_forms_create_many(account=account, specs=specs)
