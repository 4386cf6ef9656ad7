"""Template helpers of the agent workspace: navigation counts, sort links, activity."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import template
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import TIME_STRINGS, timesince, timeuntil
from django.utils.translation import gettext as _

from accounts.models import User
from customfields.selectors import display_text, lookup_names
from helpdesk import formatting
from helpdesk.formatting import datetime_label, number_url_prefix, per_language
from tickets.labels import FIELD_LABELS
from tickets.labels import submit_as as submit_as_label
from tickets.models import Channel, Ticket, TicketEvent
from tickets.presence import ids_being_viewed
from tickets.selectors import row_values_of
from tickets.status_models import BUILT_IN_AGENT_LABELS
from tickets.support_access import withheld_from
from tickets.templatetags.pages import PAGE_PARAMS
from tickets.view_selectors import DEFAULT_COLUMNS, FIELD_COLUMN, view_counts_cached
from tickets.views.common import agent_views

register = template.Library()

CHOICE_LABELS = {
    "status": dict(Ticket.Status.choices),
    "type": dict(Ticket.Type.choices),
    "priority": dict(Ticket.Priority.choices),
    "satisfaction": dict(Ticket.Rating.choices),
    "escalation": dict(Ticket.Escalation.choices),
    "sentiment": dict(Ticket.Sentiment.choices),
    "activity": dict(Ticket.ActivityStatus.choices),
    # The Activity's custom statuses are recorded by their agent label: the built-in
    # ones' English labels read in the reader's language.
    "custom_status": {
        english: Ticket.Status(category).label
        for category, english in BUILT_IN_AGENT_LABELS.items()
    },
}


@register.simple_tag(takes_context=True)
def agent_nav(context) -> list[dict]:
    """The navigation's views (views_for_agent), each with its URL and its count, in a
    fixed number of queries however many views there are (once per request)."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_agent", False):
        return []
    nav = getattr(request, "_agent_nav", None)
    if nav is None:
        views = agent_views(request)
        counts = view_counts_cached(views=views, viewer=request.user)
        prefix = number_url_prefix("tickets:view")  # one reverse(), not one per view
        nav = request._agent_nav = [
            {
                "key": view.number,
                "title": view.display_title,
                "url": f"{prefix}{view.number}/",
                "count": counts.get(view.number),
            }
            for view in views
        ]
    return nav


@register.filter
def submit_as(status: str) -> str:
    """``ticket.status|submit_as``: "Submit as Open", as the button's menu says it."""
    return submit_as_label(status)


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, css_class: str = ""):
    """A column's ``<th>`` whose link sorts by ``key``, toggling direction when already
    sorted. ``aria-sort`` belongs to the header cell (it is not allowed on a link)."""
    current = context.get("sort", "")
    request = context["request"]
    query = request.GET.copy()
    for param in PAGE_PARAMS:
        query.pop(param, None)
    if current == key:
        query["sort"], arrow, aria = f"-{key}", " ▲", "ascending"
    elif current == f"-{key}":
        query["sort"], arrow, aria = key, " ▼", "descending"
    else:
        query["sort"], arrow, aria = key, "", None
    return format_html(
        '<th{}{}><a href="?{}">{}{}</a></th>',
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' aria-sort="{}"', aria) if aria else "",
        query.urlencode(),
        label,
        format_html('<span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )


@register.filter
def hidden_initial(field) -> str:
    """``{{ field|hidden_initial }}``: the hidden copy of the value a form was loaded with
    (``show_hidden_initial``), for a field whose widget the template writes itself."""
    return field.as_hidden(only_initial=True)


@register.filter
def event_field(event: TicketEvent, custom_titles: dict | None = None) -> str:
    """A built-in field's label, or an admin-defined field's title (``custom_titles``,
    from the page: ``custom_fields.<number>`` → title)."""
    if custom_titles and event.field in custom_titles:
        return custom_titles[event.field]
    return str(FIELD_LABELS.get(event.field, event.field))


@register.filter
def event_value(value: str, field: str) -> str:
    """A recorded value as people read it: choice labels, dates, "—" for nothing."""
    if not value:
        return "—"
    if field in CHOICE_LABELS:
        return str(CHOICE_LABELS[field].get(value, value))
    if field == "due_at":
        parsed = parse_datetime(value)
        return date_format(parsed, "DATE_FORMAT") if parsed else value
    if field == "snoozed_until":
        parsed = parse_datetime(value)
        return date_format(timezone.localtime(parsed), "DATETIME_FORMAT") if parsed else value
    if field == "is_public":
        return _("Public") if value == "public" else _("Private")
    if field == "support_access":
        return _("Granted") if value == "granted" else _("Revoked")
    return value


# Labels translated once per language and process, not once per row: a list page of 50
# rows spent ~13 ms in get_FOO_display (Django rebuilds the choices dict on every call).
def _labels(field: str) -> dict[str, str]:
    def build():
        labels = {value: str(label) for value, label in CHOICE_LABELS[field].items()}
        return labels | {"": "", "_priority": _("Priority"), "_no_priority": _("No priority")}

    return per_language(field, build)


@register.filter
def choice_label(value: str, field: str) -> str:
    """A status/type/priority as people read it: ``ticket.status|choice_label:"status"``."""
    return _labels(field).get(value, value)


def _summary(priority: str, latest_comment: str | None) -> str:
    """The hover summary of a list row: priority and the latest comment."""
    labels = _labels("priority")
    text = labels.get(priority) or labels["_no_priority"]
    excerpt = " ".join((latest_comment or "").split())
    if len(excerpt) > 160:
        excerpt = excerpt[:159] + "…"
    head = f"{labels['_priority']}: {text}"
    return f"{head}\n{excerpt}" if excerpt else head


@register.filter
def since(value) -> str:
    """ "6 hours" rather than "6 hours, 40 minutes": a list is read at a glance. Empty
    under a minute (the template says "just now")."""
    if not value or (timezone.now() - value).total_seconds() < 60:
        return ""
    return timesince(value, depth=1, time_strings=_UNITS)  # type: ignore[arg-type]  # lazy plurals


# --- Ticket list rows ------------------------------------------------------------------
# templates/agent/_ticket_rows.html, included once per page: as an included template per
# row each of 50 rows cost ~0.5 ms (context pushes, ~17 gettext calls, a url reversal,
# date formatting; issue 8). ticket_row_values does the per-row work with what is
# remembered per language (labels, timesince's units) and per instant (dates).


def _row_words() -> dict[str, str]:
    """The row's fixed words, once per language (see _labels)."""

    def build():
        return {
            "private": _("Private"),
            "just_now": _("just now"),
            "select": _("Select ticket #%(number)s"),
            "ago": _("%(ago)s ago"),
            "viewing": _("Another agent is viewing this ticket"),
        }

    return per_language("_row", build)


@register.simple_tag
def row_texts() -> dict[str, str]:
    """``{% row_texts as texts %}``: the row's fixed words and the ticket URL's prefix,
    reversed once per page."""
    return _row_words() | {"url": number_url_prefix("tickets:ticket_detail")}


@register.simple_tag
def row_columns(columns=None, hide_requester=False) -> list[str]:
    """``{% row_columns columns hide_requester as keys %}``: the keys of the cells a row
    prints (a view's choice of tickets.view_selectors.VIEW_COLUMNS, else DEFAULT_COLUMNS)."""
    keys = [getattr(c, "key", c) for c in columns] if columns else list(DEFAULT_COLUMNS)
    return [key for key in keys if key != "requester"] if hide_requester else keys


@register.simple_tag
def default_row_columns() -> list[str]:
    """``{% default_row_columns as default_keys %}``: the default columns' keys, for the
    rows template's straight-line branch (issue 17)."""
    return list(DEFAULT_COLUMNS)


@register.filter
def field_column(key: str) -> bool:
    """``key|field_column``: whether a row's column is a custom field's."""
    return key.startswith(FIELD_COLUMN)


@register.filter
def get_item(row: dict, key: str):
    """``row|get_item:key``: a row's value for a column named by a variable."""
    return row.get(key)


def _when(value) -> dict[str, str] | None:
    if value is None:
        return None
    return {"iso": formatting.iso(value), "label": datetime_label(value), "ago": ago(value)}


@register.simple_tag(takes_context=True)
def ticket_row_values(context, tickets, keys=DEFAULT_COLUMNS, columns=None) -> list[dict]:
    """``{% ticket_row_values tickets keys as rows %}``: what each row's cells print, as
    plain values (the template escapes them), for the columns in ``keys``. A dict per
    row because the template engine looks a name up in a dict before trying an
    attribute: the same 50 rows through attributes and filters took 12.4 ms to render,
    as dicts 7.6 (issue 17). ``columns``: the view's (for its custom fields' cells).
    ``tickets``: the list page's ``.values()`` rows (tickets.selectors.LIST_ROW_VALUES:
    no model instance built, issue 17), or Ticket instances (search, a person's
    tickets, a redrawn row), read into the same dicts first."""
    words = _row_words()
    shown_fields = [
        (c.key, c.field) for c in columns or () if getattr(c, "field", None) and c.key in keys
    ]
    wanted = set(keys)
    tickets = [
        t if isinstance(t, dict) else row_values_of(t, wanted, bool(shown_fields)) for t in tickets
    ]
    if shown_fields:
        names = lookup_names(
            account=shown_fields[0][1].account,
            fields=[field for _key, field in shown_fields],
            values=[t["custom_fields"] or {} for t in tickets],
        )
    status_labels, priority_labels = _labels("status"), _labels("priority")
    now = timezone.now()
    # Who has them open (tickets.presence): one cache round trip for the whole page.
    request = context.get("request")
    user = getattr(request, "user", None)
    viewed = ids_being_viewed(
        [(t["account_id"], t["id"]) for t in tickets], viewer_number=getattr(user, "number", None)
    )
    # Support access: the sentiment cell of a ticket whose bodies the agent may not read.
    reader = user if getattr(user, "is_agent", False) else None
    select = words["select"]
    rows = []
    for t in tickets:
        number, priority, status = t["number"], t["priority"], t["status"]
        updated_at = t["updated_at"]
        row = {
            "number": str(number),
            "subject": t["subject"],
            "private": not t["is_public"],
            "summary": _summary(priority, t.get("latest_comment")),
            "select": select % {"number": number},
            "requester": t["requester__name"],
            "status": status,
            "status_label": _status_label_of(t, status_labels),
            "priority": priority,
            "priority_label": priority_labels.get(priority, priority),
            "assignee": (t["assignee__name"] or "") if t["assignee_id"] else "",
            "group": (t["group__name"] or "") if t["group_id"] else "",
            "updated": _when(updated_at),
            "viewing": t["id"] in viewed,
            # The version the row was rendered from: the bulk update refuses a ticket
            # changed since (tickets.services.conflicts).
            "stamp": updated_at.isoformat(),
        }
        # The columns a view may add (tickets.view_selectors.VIEW_COLUMNS), read only when shown.
        if "type" in wanted:
            row["type"] = _labels("type").get(t["type"], t["type"])
        if "organization" in wanted:
            row["organization"] = t["organization__name"] or ""
        if "channel" in wanted:
            row["channel"] = str(Channel(t["channel"]).label)
        if "satisfaction" in wanted:
            row["satisfaction"] = _labels("satisfaction").get(t["satisfaction_rating"], "")
        if "escalation" in wanted:
            row["escalation"] = _labels("escalation").get(t["escalation"], "")
        if "sentiment" in wanted:
            withheld = withheld_from(
                support_access=t["support_access"], assignee_id=t["assignee_id"], viewer=reader
            )
            row["sentiment"] = "" if withheld else _labels("sentiment").get(t["sentiment"], "")
        if "time_worked" in wanted:
            row["time_worked"] = _hours_minutes(t["time_worked"])
        if "activity" in wanted:
            activity = t["activity_status"] or ""
            row["activity"] = activity
            row["activity_label"] = _labels("activity").get(activity, "")
        if "tags" in wanted:
            row["tags"] = t["tags"]
        if "due" in wanted:
            due = t["due_at"]
            row["due"] = date_format(due, "SHORT_DATE_FORMAT") if due else ""
        if "created" in wanted:
            row["created"] = _when(t["created_at"])
        if "solved" in wanted:
            row["solved"] = _when(t["solved_at"])
        if "sla" in wanted:
            row["sla"] = _breach(t["sla__next_breach_at"], now)
        for key, field in shown_fields:
            value = (t["custom_fields"] or {}).get(field.key)
            row[key] = display_text(field, value, names)
        rows.append(row)
    return rows


def _breach(value, now) -> dict[str, str] | None:
    """The list's SLA cell: "in 3 hours", or "3 hours ago" and marked breached."""
    if value is None:
        return None
    breached = value <= now
    if breached:
        text = ago(value)
    else:
        left = timeuntil(value, now, time_strings=_UNITS, depth=1)  # type: ignore[arg-type]  # lazy plurals
        text = _("in %(time)s") % {"time": left}
    return {
        "iso": formatting.iso(value),
        "label": datetime_label(value),
        "text": text,
        "breached": "breached" if breached else "",
    }


def status_label(ticket: Ticket, category_labels: dict[str, str]) -> str:
    """What a ticket's status reads as to agents: its custom status's label, or the
    category's (translated) for a built-in one nobody renamed, and for Closed."""
    custom = ticket.custom_status if ticket.custom_status_id else None
    return _status_label_of(
        {
            "status": ticket.status,
            "custom_status_id": ticket.custom_status_id,
            "custom_status__category": getattr(custom, "category", None),
            "custom_status__agent_label": getattr(custom, "agent_label", None),
            "custom_status__is_default": getattr(custom, "is_default", None),
        },
        category_labels,
    )


def _status_label_of(row: dict, category_labels: dict[str, str]) -> str:
    """status_label of a ``.values()`` row (tickets.selectors.LIST_ROW_VALUES)."""
    status = row["status"]
    if row["custom_status_id"] is None or status == Ticket.Status.CLOSED:
        return category_labels.get(status, status)
    category, label = row["custom_status__category"], row["custom_status__agent_label"]
    if row["custom_status__is_default"] and label == BUILT_IN_AGENT_LABELS.get(category):
        return category_labels.get(category, category)
    return label


@register.simple_tag
def ticket_status_label(ticket: Ticket) -> str:
    """``{% ticket_status_label ticket %}``: status_label for one ticket."""
    return status_label(ticket, _labels("status"))


def ago(value) -> str:
    """ "6 hours ago", or "just now" under a minute."""
    texts = _row_words()
    since_text = since(value)
    return texts["ago"] % {"ago": since_text} if since_text else texts["just_now"]


class _CachedPlural:
    """One of timesince's unit strings ("%(num)d hour" / "hours") whose ``%`` is
    remembered per language and number: the same few dozen strings, evaluated once."""

    def __init__(self, lazy):
        self.lazy = lazy
        self.done: dict[tuple[str, object], str] = {}

    def __mod__(self, values: dict) -> str:
        key = (translation.get_language() or "", values["num"])
        text = self.done.get(key)
        if text is None:
            text = self.done[key] = str(self.lazy % values)
        return text


_UNITS = {name: _CachedPlural(lazy) for name, lazy in TIME_STRINGS.items()}


# --- The ticket page's conversation (templates/jinja2/agent/_conversation.html) ---------


# An attachment's token as secrets.token_urlsafe writes it: reverse() leaves it unquoted.
_URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
_TOKEN_SENTINEL = "Sentinel0token"


def _attachment_url(ticket: Ticket) -> Callable[[str], str]:
    """reverse("tickets:attachment_download", args=[number, token]), reversed once per
    page: the prefix and suffix around a sentinel token, for a url-safe token."""
    sample = reverse("tickets:attachment_download", args=[ticket.number, _TOKEN_SENTINEL])
    prefix, _sentinel, suffix = sample.partition(_TOKEN_SENTINEL)

    def url(token: str) -> str:
        if _URL_SAFE.fullmatch(token):
            return f"{prefix}{token}{suffix}"
        return reverse("tickets:attachment_download", args=[ticket.number, token])

    return url


@register.simple_tag
def comment_values(comments, ticket) -> list[dict]:
    """``{% comment_values comments ticket as items %}``: what each comment of the
    conversation prints, as plain values (the template escapes them; ``html_body`` was
    sanitised with nh3 when the comment was written), from
    tickets.selectors.conversation_rows. Dicts for the reason given at
    ticket_row_values. What every comment shares (the roles, the sentiment labels, the
    time zone, the attachments' URL) is looked up once per page (issue 17)."""
    agent_roles = {User.Role.AGENT, User.Role.ADMIN}
    sentiment_labels = _labels("sentiment")
    zone = timezone.get_current_timezone()
    attachment_url = _attachment_url(ticket)
    items = []
    for counter, comment in enumerate(comments, start=1):
        author, created = comment["author_name"], comment["created_at"]
        sentiment = comment.get("sentiment", "")
        items.append(
            {
                "counter": str(counter),
                "id": comment["id"],
                "public": comment["public"],
                "agent": comment["author_role"] in agent_roles,
                "initial": author[:1].upper(),
                "author": author,
                # formatting.iso: timezone.localtime(created).isoformat(), the zone in hand.
                "iso": created.astimezone(zone).isoformat() if created else "",
                "label": datetime_label(created),
                "html_body": comment["html_body"],
                "body": comment["body"],
                "sentiment": sentiment,
                "sentiment_label": sentiment_labels.get(sentiment, ""),
                "files": [
                    {
                        "url": attachment_url(a["token"]),
                        "name": a["filename"],
                        "size": filesizeformat(a["size"]),
                    }
                    for a in comment["files"]
                ],
            }
        )
    return items


def _hours_minutes(seconds: int) -> str:
    """Time worked as the timeworked app shows it ("1h 30m", "45m"); "" for none."""
    if not seconds:
        return ""
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
