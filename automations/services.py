"""Automations' state changes: create, edit, clone, order, (de)activate, delete, and the
defaults of a new account. The scheduled pass is in ``automations.runs``, snoozing in
``automations.snooze``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.ordering import move_one_step
from automations.defaults import default_automations_in
from automations.models import Automation
from automations.rules import automation_clean
from notifications.services import rule_name_and_description


def _save(automation: Automation) -> Automation:
    try:
        with transaction.atomic():
            automation.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("An automation with this name already exists.")}) from exc
    return automation


def _name_and_description(name: str, description: str) -> tuple[str, str]:
    return rule_name_and_description(name, description, missing=_("An automation needs a name."))


@transaction.atomic
def automation_create(
    *,
    account: Account,
    name: str,
    conditions: object,
    actions: object,
    description: str = "",
    active: bool = True,
    default_key: str = "",
) -> Automation:
    name, description = _name_and_description(name, description)
    clean_conditions, clean_actions = automation_clean(
        account=account, conditions=conditions, actions=actions
    )
    last = Automation.objects.for_account(account).aggregate(m=Max("position"))["m"]
    automation = Automation(
        account=account,
        name=name,
        description=description,
        active=active,
        position=(last or 0) + 1,
        conditions=clean_conditions,
        actions=clean_actions,
        default_key=default_key,
    )
    return _save(automation)


@transaction.atomic
def automation_update(
    *,
    automation: Automation,
    name: str,
    conditions: object,
    actions: object,
    description: str = "",
    active: bool = True,
) -> Automation:
    name, description = _name_and_description(name, description)
    automation.conditions, automation.actions = automation_clean(
        account=automation.account, conditions=conditions, actions=actions
    )
    automation.name, automation.description, automation.active = name, description, active
    automation.updated_at = timezone.now()
    return _save(automation)


@transaction.atomic
def automation_clone(*, automation: Automation) -> Automation:
    """An inactive copy at the end of the list, named "Copy of …" (numbered if taken)."""
    taken = set(Automation.objects.for_account(automation.account).values_list("name", flat=True))
    base = _("Copy of %(name)s") % {"name": automation.name}
    name, n = base[:200], 2
    while name in taken:
        name, n = f"{base[:190]} ({n})", n + 1
    last = Automation.objects.for_account(automation.account).aggregate(m=Max("position"))["m"]
    return _save(
        Automation(
            account=automation.account,
            name=name,
            description=automation.description,
            active=False,
            position=(last or 0) + 1,
            conditions=automation.conditions,
            actions=automation.actions,
        )
    )


def automation_set_active(*, automation: Automation, active: bool) -> Automation:
    automation.active = active
    automation.updated_at = timezone.now()
    automation.save(update_fields=["active", "updated_at"])
    return automation


@transaction.atomic
def automation_move(*, automation: Automation, direction: str) -> None:
    """Swap with the neighbour above ("up") or below ("down"), renumbering 1..n."""
    move_one_step(Automation.objects.for_account(automation.account), automation, direction)


def automation_delete(*, automation: Automation) -> None:
    automation.delete()


@transaction.atomic
def automations_install_defaults(*, account: Account) -> list[Automation]:
    """The default automations of a new account; idempotent (skips ones already there)."""
    existing = set(Automation.objects.for_account(account).values_list("default_key", flat=True))
    return [
        automation_create(
            account=account,
            name=spec["name"],
            description=spec["description"],
            conditions=spec["conditions"],
            actions=spec["actions"],
            active=spec["active"],
            default_key=spec["key"],
        )
        for spec in default_automations_in(account.default_locale)
        if spec["key"] not in existing
    ]
