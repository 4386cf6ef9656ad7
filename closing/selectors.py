"""Reads of the closing: the reasons offered, the root-cause field, the report."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.models import Account
from closing.models import CloseReason, TicketClosure
from customfields.models import FieldKind, TicketField, TicketFieldOption

ROOT_CAUSE_TITLE = "Root cause"  # customfields.defaults' first field, in English
REPORT_GROUPS = ("reason", "root_cause")


def reasons(*, account: Account, active: bool | None = True) -> QuerySet[CloseReason]:
    qs = CloseReason.objects.for_account(account)
    return qs if active is None else qs.filter(is_active=active)


def root_cause_field(*, account: Account) -> TicketField | None:
    """The default root-cause field (customfields.defaults: "Root cause", a drop-down,
    recognised by its English title whatever the account's language), while active."""
    fields = TicketField.objects.for_account(account).filter(kind=FieldKind.DROPDOWN, active=True)
    for field in fields.order_by("position", "number"):
        english = (field.translations or {}).get("en") or field.title
        if english == ROOT_CAUSE_TITLE:
            return field
    return None


def root_cause_options(*, field: TicketField | None) -> list[TicketFieldOption]:
    if field is None:
        return []
    return list(field.options.order_by("position", "number"))


def closures_report(*, account: Account, by: str, tickets: Q | None = None) -> list[dict]:
    """Explained closings counted by close reason or by root cause (``by``), most first;
    one grouped query over the closure rows' index (account, reason|root_cause, …).
    ``tickets``: which closed tickets count (the viewer's report scope), as a filter on
    the ticket."""
    qs = TicketClosure.objects.for_account(account)
    if tickets is not None:
        qs = qs.filter(tickets)
    if by == "reason":
        by_reason = qs.values("reason__title").annotate(count=Count("id")).order_by("-count")
        return [{"label": r["reason__title"], "count": r["count"]} for r in by_reason]
    labels = {o.value: o.label for o in root_cause_options(field=root_cause_field(account=account))}
    rows = qs.values("root_cause").annotate(count=Count("id")).order_by("-count")
    return [
        {"label": labels.get(r["root_cause"], r["root_cause"]), "count": r["count"]} for r in rows
    ]
