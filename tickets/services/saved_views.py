"""Views (saved ticket lists): create, change, clone, reorder, (de)activate, delete, and
the seven built-in lists every account starts with.

Who may change a view is decided here, for the pages and the API alike: a shared view
(for everyone or for chosen groups) is the admins'; a personal view is its owner's, and
any agent may make their own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.identity_models import AuditEntry
from accounts.models import Account, AgentGroup, User
from tickets.conditions import clean_conditions
from tickets.models import DEFAULT_VIEW_TITLES, View, ViewGroup
from tickets.services.common import NotAllowed, require_permission
from tickets.view_selectors import (
    DEFAULT_COLUMNS,
    FIELD_COLUMN,
    VIEW_COLUMNS,
    VIEW_SORTS,
    field_columns,
)

UNSOLVED = {"field": "status", "operator": "less_than", "value": "solved"}
# A snoozed ticket leaves the working lists until it wakes up (issue 20).
AWAKE = {"field": "snoozed", "operator": "is", "value": False}
# The lists Sportello had before views were editable, now ordinary shared views. Their
# titles are stored in English and shown translated while nobody has renamed them
# (View.display_title, DEFAULT_VIEW_TITLES).
DEFAULT_VIEWS: tuple[dict[str, Any], ...] = (
    {
        "key": "mine",
        "all": [
            {"field": "assignee_id", "operator": "is", "value": "current_user"},
            UNSOLVED,
            AWAKE,
        ],
    },
    {
        "key": "unassigned",
        "all": [{"field": "assignee_id", "operator": "is", "value": None}, UNSOLVED, AWAKE],
    },
    {"key": "unsolved", "all": [UNSOLVED, AWAKE]},
    {"key": "recent", "all": []},
    {
        "key": "pending",
        "all": [{"field": "status", "operator": "is", "value": "pending"}, AWAKE],
    },
    {
        "key": "solved",
        "all": [{"field": "status", "operator": "greater_than", "value": "hold"}],
    },
    {
        "key": "private",
        "all": [{"field": "is_public", "operator": "is", "value": False}],
    },
    {
        "key": "snoozed",
        "all": [{"field": "snoozed", "operator": "is", "value": True}, UNSOLVED],
    },
)


def views_install_defaults(*, account: Account) -> None:
    """The built-in views of a new account (or of an existing one, by the data
    migration). Idempotent: a key the account already has is left alone."""
    have = set(View.objects.for_account(account).exclude(key="").values_list("key", flat=True))
    View.objects.for_account(account).bulk_create(
        View(
            account=account,
            key=spec["key"],
            title=DEFAULT_VIEW_TITLES[spec["key"]][0],
            conditions={"all": spec["all"], "any": []},
            columns=list(DEFAULT_COLUMNS),
            position=position,
        )
        for position, spec in enumerate(DEFAULT_VIEWS)
        if spec["key"] not in have
    )


def _require_may_edit(view: View, actor: User) -> None:
    require_permission(actor, "manage_views")
    if view.is_personal and view.owner_id == actor.pk:
        return
    if not view.is_personal and actor.is_admin:
        return
    raise NotAllowed(
        _("Only an admin may change a shared view, and only its owner a personal one.")
    )


def _clean(*, account: Account, actor: User, fields: dict[str, Any]) -> dict[str, Any]:
    """The model's values from the caller's (conditions in their public shape, groups by
    number); a ValidationError keyed by field for anything wrong."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "title" in fields:
        cleaned["title"] = str(fields["title"] or "").strip()[:200]
        if not cleaned["title"]:
            errors["title"] = [_("A view needs a title.")]
    if "description" in fields:
        cleaned["description"] = str(fields["description"] or "").strip()[:500]
    if "conditions" in fields:
        try:
            cleaned["conditions"] = clean_conditions(account=account, data=fields["conditions"])
        except ValidationError as exc:
            errors["conditions"] = exc.messages
    if "columns" in fields:
        columns = fields["columns"] or list(DEFAULT_COLUMNS)
        if not isinstance(columns, list):
            columns = [columns]
        known = VIEW_COLUMNS
        if any(isinstance(c, str) and c.startswith(FIELD_COLUMN) for c in columns):
            known = VIEW_COLUMNS | field_columns(account=account)
        unknown = [str(c) for c in columns if not isinstance(c, str) or c not in known]
        if unknown:
            errors["columns"] = [
                _("Unknown columns: %(columns)s. Known columns: %(known)s.")
                % {"columns": ", ".join(unknown), "known": ", ".join(known)}
            ]
        else:
            # The subject carries the link to the ticket: a view always shows it.
            columns = list(dict.fromkeys(columns))
            cleaned["columns"] = columns if "subject" in columns else ["subject", *columns]
    if "sort_by" in fields:
        if fields["sort_by"] not in VIEW_SORTS:
            errors["sort_by"] = [
                _("A view sorts by one of: %(known)s.") % {"known": ", ".join(VIEW_SORTS)}
            ]
        cleaned["sort_by"] = fields["sort_by"]
    if "sort_order" in fields:
        if fields["sort_order"] not in View.SortOrder.values:
            errors["sort_order"] = [_('The sort order is "asc" or "desc".')]
        cleaned["sort_order"] = fields["sort_order"]
    if "is_active" in fields:
        cleaned["is_active"] = bool(fields["is_active"])
    if "position" in fields:
        position = fields["position"]
        if isinstance(position, str) and position.isdigit() and len(position) <= 9:
            position = int(position)
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            errors["position"] = [_("The position is a whole number, 0 for the first.")]
        cleaned["position"] = position
    if "visibility" in fields:
        if fields["visibility"] not in View.Visibility.values:
            errors["visibility"] = [_("A view is for everyone, chosen groups, or only you.")]
        elif fields["visibility"] != View.Visibility.PERSONAL and not actor.is_admin:
            raise NotAllowed({"visibility": [_("Only an admin may share a view.")]})
        cleaned["visibility"] = fields["visibility"]
    if "groups" in fields:
        given = fields["groups"] or ()
        numbers = {int(n) for n in given if str(n).isdigit() and len(str(n)) <= 18}
        groups = list(AgentGroup.objects.for_account(account).filter(number__in=numbers))
        if len(groups) != len(numbers) or len(numbers) != len(set(map(str, given))):
            errors["groups"] = [_("There is no such group.")]
        cleaned["groups"] = groups
    if errors:
        raise ValidationError(errors)
    return cleaned


def _save(view: View, cleaned: dict[str, Any], actor: User) -> View:
    groups = cleaned.pop("groups", None)
    position = cleaned.pop("position", None)
    for name, value in cleaned.items():
        setattr(view, name, value)
    if view.visibility == View.Visibility.PERSONAL:
        view.owner = view.owner or actor
        groups = []
    else:
        view.owner = None
    if view.visibility == View.Visibility.GROUPS and not (
        groups if groups is not None else view.group_links.exists() if view.pk else False
    ):
        raise ValidationError({"groups": [_("Choose at least one group for this view.")]})
    if view.visibility == View.Visibility.EVERYONE:
        groups = []
    view.save()
    if groups is not None:
        ViewGroup.objects.for_account(view.account).filter(view=view).delete()
        ViewGroup.objects.for_account(view.account).bulk_create(
            ViewGroup(account=view.account, view=view, group=group) for group in groups
        )
    if position is not None:
        _place(view, position)
    return view


def _siblings(view: View) -> QuerySet[View]:
    """The views ``view`` is ordered among: the shared ones, or its owner's personal ones."""
    qs = View.objects.for_account(view.account)
    if view.is_personal:
        return qs.filter(visibility=View.Visibility.PERSONAL, owner_id=view.owner_id)
    return qs.exclude(visibility=View.Visibility.PERSONAL)


def _place(view: View, position: int) -> None:
    """Move ``view`` to ``position`` (0 first) among its siblings, as Zendesk's
    ``position``; past the end is the end. The others keep their order around it."""
    others = list(_siblings(view).exclude(pk=view.pk).order_by("position", "number"))
    at = min(position, len(others))
    ordered = [*others[:at], view, *others[at:]]
    for index, each in enumerate(ordered):
        each.position = index
    View.objects.for_account(view.account).bulk_update(ordered, ["position"])


def _next_position(account: Account) -> int:
    last = View.objects.for_account(account).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def view_create(*, account: Account, actor: User, **fields: Any) -> View:
    """A new view. Shared (``visibility`` everyone or groups) only by an admin; without a
    visibility an admin's view is for everyone and an agent's is personal."""
    if not actor.is_agent or actor.account_id != account.pk:
        raise NotAllowed(_("Only agents have views."))
    require_permission(actor, "manage_views")
    fields.setdefault(
        "visibility", View.Visibility.EVERYONE if actor.is_admin else View.Visibility.PERSONAL
    )
    fields.setdefault("title", "")
    fields.setdefault("conditions", {})
    fields.setdefault("columns", list(DEFAULT_COLUMNS))
    cleaned = _clean(account=account, actor=actor, fields=fields)
    view = View(account=account, position=_next_position(account))
    return _save(view, cleaned, actor)


@transaction.atomic
def view_update(*, view: View, actor: User, **fields: Any) -> View:
    _require_may_edit(view, actor)
    cleaned = _clean(account=view.account, actor=actor, fields=fields)
    return _save(view, cleaned, actor)


@transaction.atomic
def view_set_active(*, view: View, actor: User, active: bool) -> View:
    _require_may_edit(view, actor)
    view.is_active = active
    view.save(update_fields=["is_active", "updated_at"])
    return view


@transaction.atomic
def view_delete(*, view: View, actor: User) -> None:
    _require_may_edit(view, actor)
    if not view.is_personal:  # a shared view: an admin's change to everyone's lists
        audit_record(
            account=view.account,
            actor=actor,
            action=AuditEntry.Action.VIEW_DELETED,
            target=view.title,
        )
    view.delete()


@transaction.atomic
def view_clone(*, view: View, actor: User) -> View:
    """A copy at the end of the list, "Copy of …": an admin's copy of a shared view stays
    shared (with the same groups); anyone else's copy is personal."""
    if not actor.is_agent or actor.account_id != view.account_id:
        raise NotAllowed(_("Only agents have views."))
    require_permission(actor, "manage_views")
    shared = actor.is_admin and not view.is_personal
    copy = View(
        account=view.account,
        title=(_("Copy of %(title)s") % {"title": view.display_title})[:200],
        description=view.description,
        visibility=view.visibility if shared else View.Visibility.PERSONAL,
        owner=None if shared else actor,
        conditions=view.conditions,
        columns=view.columns,
        sort_by=view.sort_by,
        sort_order=view.sort_order,
        position=_next_position(view.account),
        is_active=view.is_active,
    )
    copy.save()
    if shared:
        ViewGroup.objects.for_account(view.account).bulk_create(
            ViewGroup(account=view.account, view=copy, group_id=link.group_id)
            for link in view.group_links.all()
        )
    return copy


@transaction.atomic
def views_reorder(*, account: Account, actor: User, numbers: list[int], personal: bool) -> None:
    """Put the shared views (admins) or the actor's personal views in the order of
    ``numbers``; views not named keep their order, after the named ones."""
    if personal:
        qs = View.objects.for_account(account).filter(
            visibility=View.Visibility.PERSONAL, owner=actor
        )
    else:
        if not actor.is_admin:
            raise NotAllowed(_("Only an admin may reorder the shared views."))
        qs = View.objects.for_account(account).exclude(visibility=View.Visibility.PERSONAL)
    views = {v.number: v for v in qs.order_by("position", "number")}
    named = [views[n] for n in dict.fromkeys(numbers) if n in views]
    rest = [v for n, v in views.items() if v not in named]
    for position, view in enumerate(named + rest):
        view.position = position
    View.objects.for_account(account).bulk_update(named + rest, ["position"])


@transaction.atomic
def views_update_many(*, actor: User, changes: list[tuple[View, dict[str, Any]]]) -> list[View]:
    """Several views' ``position`` and ``active`` at once (Zendesk's update_many), all or
    none: each through view_update's rule, the lowest positions placed first so the
    positions asked for are the positions read back."""
    allowed = {"position", "is_active"}
    ordered = sorted(changes, key=lambda change: change[1].get("position", 10**9))
    for view, fields in ordered:
        view_update(view=view, actor=actor, **{k: v for k, v in fields.items() if k in allowed})
    return [view for view, _fields in changes]
