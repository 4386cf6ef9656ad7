"""User fields and organization fields (issue 19): their definitions are FieldBase rows
like ticket fields (customfields.services makes and changes them); their values live on
the user (``User.user_fields``) and the organization (``Organization.organization_
fields``), keyed by the field's number. Agents see and edit them on the profile pages
and through the API; end users never get them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from accounts.models import Account, Organization, User
from customfields.models import (
    FieldBase,
    OrganizationField,
    OrganizationFieldOption,
    UserField,
    UserFieldOption,
)
from customfields.ticket_values import clean_values, merged

# The two kinds of people fields, by their URL's and the API's name.
TARGETS: dict[str, tuple[type[FieldBase], Any, str]] = {
    "user": (UserField, UserFieldOption, "user_fields"),
    "organization": (OrganizationField, OrganizationFieldOption, "organization_fields"),
}


def people_fields(*, account: Account, target: str, active_only: bool = False) -> list[Any]:
    """The fields of ``target`` ("user" or "organization") with their options (two
    queries), in position order."""
    model: Any = TARGETS[target][0]
    option_model = TARGETS[target][1]
    options = option_model.objects.for_account(account).order_by("position", "number")
    fields: Any = (
        model.objects.for_account(account)
        .order_by("position", "number")
        .prefetch_related(Prefetch("options", queryset=options))
    )
    if active_only:
        fields = fields.filter(active=True)
    return list(fields)


def target_of(row: User | Organization) -> str:
    return "organization" if isinstance(row, Organization) else "user"


@transaction.atomic
def people_values_set(*, row: User | Organization, actor: User, raw: dict) -> dict:
    """Set ``raw`` ({field number: value}) on a user or an organization, checked by the
    field's kind (one ValidationError listing every problem). Agents only: the callers
    (profile pages, API) are agents' and admins'. Returns the stored values."""
    if not actor.is_agent:
        raise PermissionError("agents only")
    target = target_of(row)
    column = TARGETS[target][2]
    account: Any = row.account  # a user of an account: never the platform's
    fields = people_fields(account=account, target=target, active_only=True)
    cleaned = clean_values(account=account, fields=fields, raw=raw)
    values = merged(getattr(row, column) or {}, cleaned)
    if values != (getattr(row, column) or {}):
        setattr(row, column, values)
        row.save(update_fields=[column])
    return values
