"""Reads of views (saved ticket lists) for a viewer: the views an agent has, the
columns and sorts they may show, the tickets each lists (within what the viewer may
open, tickets.selectors.tickets_visible_to) and their counts."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User
from accounts.roles import permissions_of
from customfields.models import TicketField
from customfields.selectors import ticket_fields_for_account
from tickets import counts
from tickets.conditions import conditions_q, reads_unfilled, timeless
from tickets.models import Comment, Ticket, View, ViewGroup
from tickets.selectors import for_list_rows, list_row_values, ordering_for, tickets_visible_to
from tickets.support_access import readable_tickets_q


@dataclass(frozen=True)
class Column:
    """A column a view can show: its heading, its sort key (TICKET_SORTS) and the
    fields a row reads for it beyond ROW_FIELDS."""

    key: str
    label: str | Promise
    sortable: bool = True
    fields: tuple[str, ...] = ()
    css_class: str = ""
    # A custom field's column (``custom_fields.<number>``): the field, its options
    # prefetched, so a cell shows its value as people read it without a query per row.
    field: TicketField | None = None


VIEW_COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("number", _("ID"), css_class="col-id"),
        Column("subject", _("Subject")),
        Column("requester", _("Requester")),
        Column("status", _("Status")),
        Column("priority", _("Priority")),
        Column("type", _("Type"), fields=("type",)),
        Column("assignee", _("Assignee")),
        Column("group", _("Group")),
        Column("organization", _("Organization"), fields=("organization__name",)),
        Column("channel", _("Channel"), fields=("channel",)),
        Column("tags", _("Tags"), sortable=False, fields=("tags",)),
        Column("created", _("Created"), fields=("created_at",)),
        Column("updated", _("Updated")),
        Column("due", _("Due date"), fields=("due_at",)),
        Column("solved", _("Solved"), fields=("solved_at",)),
        Column("sla", _("Next SLA breach"), fields=("sla__next_breach_at",)),
        Column("satisfaction", _("Satisfaction"), sortable=False, fields=("satisfaction_rating",)),
        Column("escalation", _("Escalation"), sortable=False, fields=("escalation",)),
        # With support_access (and assignee_id, always read): the cell is blank where the
        # viewer may not read the bodies (tickets.support_access), the tone being theirs.
        Column(
            "sentiment",
            _("Sentiment"),
            sortable=False,
            fields=("sentiment", "support_access", "assignee_id"),
        ),
        Column("activity", _("Activity status"), sortable=False, fields=("activity_status",)),
        Column("time_worked", _("Time worked"), sortable=False, fields=("time_worked",)),
    )
}
DEFAULT_COLUMNS = (
    "number",
    "subject",
    "requester",
    "status",
    "priority",
    "assignee",
    "group",
    "updated",
)
VIEW_SORTS = tuple(key for key, column in VIEW_COLUMNS.items() if column.sortable)


def views_for_agent(*, viewer: User, active: bool | None = True) -> QuerySet[View]:
    """The views an agent works from, in their order: shared views for everyone, shared
    views of a group the agent belongs to, and the agent's own personal views (after the
    shared ones). Nobody else's personal view, ever; end users none."""
    qs = View.objects.for_account(viewer.account)
    if not viewer.is_agent:
        return qs.none()
    if active is not None:
        qs = qs.filter(is_active=active)
    in_my_groups = ViewGroup.objects.for_account(viewer.account).filter(
        group__memberships__user=viewer
    )
    return qs.filter(
        Q(visibility=View.Visibility.EVERYONE)
        | Q(visibility=View.Visibility.GROUPS, pk__in=in_my_groups.values("view_id"))
        | Q(visibility=View.Visibility.PERSONAL, owner=viewer)
    ).order_by(
        Case(When(visibility=View.Visibility.PERSONAL, then=1), default=0), "position", "number"
    )


def views_readable_by(*, viewer: User, active: bool | None = None) -> QuerySet[View]:
    """What an agent may open (tickets.access.view_for_agent's rule, as a list): their
    views (views_for_agent), and for an admin every shared view too."""
    if not viewer.is_admin:
        return views_for_agent(viewer=viewer, active=active)
    qs = View.objects.for_account(viewer.account).filter(
        ~Q(visibility=View.Visibility.PERSONAL)
        | Q(visibility=View.Visibility.PERSONAL, owner=viewer)
    )
    return qs if active is None else qs.filter(is_active=active)


def views_shared(*, account: Account) -> QuerySet[View]:
    """Every shared view of the account, for the admins' list."""
    return (
        View.objects.for_account(account)
        .exclude(visibility=View.Visibility.PERSONAL)
        .prefetch_related("group_links__group")
        .order_by("position", "number")
    )


def views_personal(*, viewer: User) -> QuerySet[View]:
    return View.objects.for_account(viewer.account).filter(
        visibility=View.Visibility.PERSONAL, owner=viewer
    )


def view_matching(*, view: View, viewer: User) -> QuerySet[Ticket]:
    """The tickets of ``view`` for ``viewer``: its conditions within what the viewer may
    open (tickets_visible_to), so a view never lists a ticket its agent could not."""
    return tickets_visible_to(viewer=viewer).filter(conditions_q(view.conditions, viewer=viewer))


FIELD_COLUMN = "custom_fields."


def field_columns(*, account: Account) -> dict[str, Column]:
    """A column per active custom field of the account (``custom_fields.<number>``):
    two queries (the fields and their options)."""
    fields = list(ticket_fields_for_account(account=account).filter(active=True))
    for field in fields:
        field.account = account  # read by the cells' lookup names: no query
    return {
        f"{FIELD_COLUMN}{field.number}": Column(
            f"{FIELD_COLUMN}{field.number}",
            field.label,
            sortable=False,
            fields=("custom_fields",),
            field=field,
        )
        for field in fields
    }


def view_columns(view: View) -> list[Column]:
    """The columns ``view`` shows; its custom fields' ones read once per view object
    (none read when it shows none)."""
    cached = getattr(view, "_columns", None)
    if cached is not None:
        return list(cached)
    keys = view.columns or DEFAULT_COLUMNS
    known: dict[str, Column] = VIEW_COLUMNS
    if any(key.startswith(FIELD_COLUMN) for key in keys):
        known = VIEW_COLUMNS | field_columns(account=view.account)
    columns = [known[key] for key in keys if key in known]
    view._columns = columns  # type: ignore[attr-defined]  # a per-instance memo
    return columns


def view_sort(view: View, requested: str = "") -> str:
    """The sort a list asks for (?sort=, allow-listed), else the view's own."""
    if requested.lstrip("-") in VIEW_SORTS:
        return requested
    default = view.sort_by if view.sort_by in VIEW_SORTS else "updated"
    return f"-{default}" if view.sort_order == View.SortOrder.DESC else default


def view_ticket_list(*, view: View, viewer: User, sort: str = "") -> QuerySet[Ticket]:
    """A view's tickets with what its rows show, in a fixed number of queries: related
    names by join, the latest comment (for the hover summary) by subquery."""
    extra = [field for column in view_columns(view) for field in column.fields]
    sort = view_sort(view, sort)
    ordering = ordering_for(sort)
    # The sort's own columns too: the keyset's cursor reads them from the page's rows.
    extra += [term.lstrip("-") for term in ordering if "__" not in term]
    if sort.lstrip("-") == "sla":
        extra.append("sla__next_breach_at")  # the cursor reads it from the last row
    latest = (
        Comment.objects.for_account(viewer.account)
        .filter(ticket=OuterRef("pk"))
        .order_by("-created_at", "-id")
    )
    return (
        for_list_rows(view_matching(view=view, viewer=viewer), extra)
        .annotate(
            latest_comment=Case(
                When(
                    readable_tickets_q(viewer=viewer),
                    then=Subquery(
                        latest.annotate(excerpt=Substr("body", 1, 200)).values("excerpt")[:1]
                    ),
                ),
                default=Value(""),
                output_field=TextField(),
            )
        )
        .order_by(*ordering)
    )


def view_ticket_rows(*, view: View, viewer: User, sort: str = "") -> QuerySet[Ticket, dict]:
    """view_ticket_list as ``.values()`` rows (tickets.selectors.list_row_values): what
    the list page prints, no model instance built (issue 17). Its columns' fields and
    its order's (the keyset's cursor reads them from the page's rows)."""
    tickets = view_ticket_list(view=view, viewer=viewer, sort=sort)
    extra = [field for column in view_columns(view) for field in column.fields]
    extra += [term.lstrip("-") for term in ordering_for(view_sort(view, sort))]
    return list_row_values(tickets, extra)


def view_counts(*, views: Iterable[View], viewer: User, cap: int | None = None) -> dict[int, int]:
    """{view number: count}, in one query for any number of views: each exact up to
    ``cap`` (the API's VIEW_COUNT_CAP, "10k+" beyond; the sidebar's SIDEBAR_COUNT_CAP,
    "1,000+") and read as a LIMIT cap + 1 subquery (an index range, never a full scan).
    Views whose conditions do not depend on the time are compiled once per agent and
    process, until one of them is edited (counts.capped_counts_compiled)."""
    views = list(views)
    cap = counts.VIEW_COUNT_CAP if cap is None else cap

    def build() -> dict[int, QuerySet[Ticket]]:
        return {view.number: view_matching(view=view, viewer=viewer) for view in views}

    if not all(timeless(view.conditions) for view in views):
        return counts.capped_counts(build(), cap=cap)
    key = (
        "view_counts",
        viewer.account_id,
        viewer.pk,
        viewer.role,
        permissions_of(viewer).ticket_access,
        reads_unfilled(viewer),  # the custom-status fallback is in the SQL or not
        tuple((view.number, json.dumps(view.conditions, sort_keys=True)) for view in views),
    )
    return counts.capped_counts_compiled(key, Ticket, build, cap=cap)


def view_counts_cached(*, views: Iterable[View], viewer: User) -> dict[int, int]:
    """view_counts for the sidebar, each kept VIEW_COUNT_CACHE_SECONDS in the shared cache
    per (account, agent, view, version of the view): on a page after the first, one
    cache read instead of one query counting up to SIDEBAR_COUNT_CAP entries per view
    (bench/README.md, "Sort by priority, and the sidebar counts"). A count may lag the
    tickets by that long, as Zendesk's do; editing a view changes its key. Without the
    cache (Redis down), counted."""
    views = list(views)
    seconds = settings.VIEW_COUNT_CACHE_SECONDS
    cap = counts.SIDEBAR_COUNT_CAP
    if seconds <= 0 or not views:
        return view_counts(views=views, viewer=viewer, cap=cap)
    keys = {
        f"view-count:{viewer.account_id}:{viewer.pk}:{v.number}:"
        f"{int(v.updated_at.timestamp() * 1000)}": v
        for v in views
    }
    try:
        found = cache.get_many(list(keys))
    except Exception:  # noqa: BLE001 - any cache failure: count instead
        found = {}
    result = {
        keys[key].number: counts.CappedCount(cap) if value > cap else value
        for key, value in found.items()
    }
    missing = [v for v in views if v.number not in result]
    if missing:
        fresh = view_counts(views=missing, viewer=viewer, cap=cap)
        result.update(fresh)
        stored = {
            key: int(fresh[v.number]) + isinstance(fresh[v.number], counts.CappedCount)
            for key, v in keys.items()
            if v.number in fresh
        }
        with contextlib.suppress(Exception):  # the counts are shown anyway
            cache.set_many(stored, timeout=seconds)
    return result


def agent_ticket_list(*, viewer: User, view_key: str, sort: str = "") -> QuerySet[Ticket]:
    """view_ticket_list of the default view that began as ``view_key`` ("unsolved"…),
    for the callers that name a built-in list rather than a view's number."""
    view = views_for_agent(viewer=viewer, active=None).get(key=view_key)
    return view_ticket_list(view=view, viewer=viewer, sort=sort)
