"""Reads: which macros an agent may apply, and the lists admins and agents manage, with
their usage over the last 7 and 30 days (one query each, whatever the number of macros)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Account, AgentGroup, GroupMembership, User
from macros.models import Macro, MacroGroup


def _visible_to(viewer: User) -> Q:
    """Personal macros of the viewer, and shared ones restricted to none of the groups or
    to a group the viewer belongs to (admins, who manage them, have every shared one)."""
    if viewer.is_admin:
        return Q(owner=viewer) | Q(owner__isnull=True)
    links = MacroGroup.objects.for_account(viewer.account).filter(macro=OuterRef("pk"))
    member = links.filter(
        Exists(
            GroupMembership.objects.for_account(viewer.account).filter(
                group=OuterRef("group"), user=viewer
            )
        )
    )
    return Q(owner=viewer) | (Q(owner__isnull=True) & (~Exists(links) | Exists(member)))


def macros_for_agent(*, viewer: User, active: bool | None = True) -> QuerySet[Macro]:
    """The macros the viewer may apply (the ticket page's picker, the bulk form, the API's
    active.json), shared ones first in their admin-set order, then the viewer's own."""
    qs = Macro.objects.for_account(viewer.account).filter(_visible_to(viewer))
    if active is not None:
        qs = qs.filter(active=active)
    return (
        qs.select_related("owner")
        .order_by("-owner", "position", "title", "id")
        .prefetch_related(
            Prefetch("groups", queryset=AgentGroup.objects.for_account(viewer.account))
        )
    )


def macro_tree(macros: list[Macro]) -> list[dict]:
    """The picker's tree: ``Billing::Refund sent`` under a "Billing" branch. Each node is
    ``{"name", "macro" (or None), "children"}``, branches and leaves sorted by name."""
    root: dict = {"children": {}}
    for macro in macros:
        node = root
        *branches, leaf = macro.path
        for name in branches:
            node = node["children"].setdefault(
                ("0", name.casefold(), name), {"name": name, "macro": None, "children": {}}
            )
        node["children"][("1", leaf.casefold(), str(macro.number))] = {
            "name": leaf,
            "macro": macro,
            "children": {},
        }

    def listed(node: dict) -> list[dict]:
        return [
            {**child, "children": listed(child)}
            for _key, child in sorted(node["children"].items(), key=lambda kv: kv[0][:2])
        ]

    return listed(root)


def _with_usage(qs: QuerySet[Macro], now: dt.datetime | None = None) -> QuerySet[Macro]:
    now = now or timezone.now()
    return qs.annotate(
        usage_7d=Count(
            "applications", filter=Q(applications__applied_at__gte=now - dt.timedelta(days=7))
        ),
        usage_30d=Count(
            "applications", filter=Q(applications__applied_at__gte=now - dt.timedelta(days=30))
        ),
    )


def shared_macros_with_usage(*, account: Account) -> QuerySet[Macro]:
    """The admin list: every shared macro, in order, with its groups and usage."""
    qs = Macro.objects.for_account(account).filter(owner__isnull=True)
    return (
        _with_usage(qs)
        .order_by("position", "id")
        .prefetch_related(Prefetch("groups", queryset=AgentGroup.objects.for_account(account)))
    )


def personal_macros_with_usage(*, owner: User) -> QuerySet[Macro]:
    qs = Macro.objects.for_account(owner.account).filter(owner=owner)
    return _with_usage(qs).order_by("position", "title", "id")


def macros_for_api(*, viewer: User, active: bool | None = None) -> QuerySet[Macro]:
    """The API's lists: what the viewer may apply, with the usage Zendesk reports."""
    return _with_usage(macros_for_agent(viewer=viewer, active=active))
