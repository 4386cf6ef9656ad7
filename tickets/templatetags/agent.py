"""Template helpers of the agent workspace: navigation counts, sort links, activity."""

from __future__ import annotations

import functools
from html import escape

from django import template
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import gettext as _

from helpdesk import formatting
from helpdesk.formatting import datetime_label, number_url_prefix, per_language
from tickets.labels import FIELD_LABELS
from tickets.labels import submit_as as submit_as_label
from tickets.models import Channel, Ticket, TicketEvent
from tickets.selectors import DEFAULT_COLUMNS, view_counts
from tickets.templatetags.pages import PAGE_PARAMS
from tickets.views.common import agent_views

register = template.Library()

CHOICE_LABELS = {
    "status": dict(Ticket.Status.choices),
    "type": dict(Ticket.Type.choices),
    "priority": dict(Ticket.Priority.choices),
    "satisfaction": dict(Ticket.Rating.choices),
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
        counts = view_counts(views=views, viewer=request.user)
        nav = request._agent_nav = [
            {
                "key": view.number,
                "title": view.display_title,
                "url": reverse("tickets:view", args=[view.number]),
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
def event_field(event: TicketEvent) -> str:
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
    if field == "is_public":
        return _("Public") if value == "public" else _("Private")
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


@register.filter
def iso(value) -> str:
    """``|date:"c"`` for a datetime attribute, without the formatter's per-call setup."""
    return formatting.iso(value)


@register.filter
def row_summary(ticket: Ticket) -> str:
    """The hover summary of a list row: priority and the latest comment."""
    labels = _labels("priority")
    priority = labels.get(ticket.priority) or labels["_no_priority"]
    excerpt = " ".join((getattr(ticket, "latest_comment", "") or "").split())
    if len(excerpt) > 160:
        excerpt = excerpt[:159] + "…"
    head = f"{labels['_priority']}: {priority}"
    return f"{head}\n{excerpt}" if excerpt else head


@register.filter
def since(value) -> str:
    """ "6 hours" rather than "6 hours, 40 minutes": a list is read at a glance. Empty
    under a minute (the template says "just now")."""
    if not value or (timezone.now() - value).total_seconds() < 60:
        return ""
    return timesince(value, depth=1, time_strings=_UNITS)  # type: ignore[arg-type]  # lazy plurals


# --- Ticket list rows ------------------------------------------------------------------
# The rows of the agent's lists, search results and a person's tickets, rendered in one
# pass: as an included template each of 50 rows cost ~0.5 ms (context pushes, ~17
# gettext calls, a url reversal, date formatting), ~60% of a list page's time (issue 8).
# The markup is the one templates/agent/_ticket_row.html had.


def _row_texts() -> dict[str, str]:
    """The row's fixed words, once per language (see _labels)."""

    def build():
        texts = {
            "private": _("Private"),
            "just_now": _("just now"),
            "select": _("Select ticket #%(number)s"),
            "ago": _("%(ago)s ago"),
        }
        return texts | {"private_e": escape(texts["private"])}

    return per_language("_row", build)


_DASH = '<span class="muted">—</span>'


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


def _ago(value, texts) -> str:
    if value is None:
        return _DASH
    ago = since(value)
    text = texts["ago"] % {"ago": ago} if ago else texts["just_now"]
    return (
        f'<time datetime="{iso(value)}" title="{escape(datetime_label(value))}">'
        f"{escape(text)}</time>"
    )


def _name(person) -> str:
    return escape(person.name) if person is not None else _DASH


def _cell(key: str, ticket: Ticket, texts, url: str) -> str:
    """One cell of a row, for a column of tickets.selectors.VIEW_COLUMNS."""
    match key:
        case "number":
            return f'<td class="col-id muted">#{ticket.number}</td>'
        case "subject":
            badge = (
                f'<span class="badge badge-private">{texts["private_e"]}</span>'
                if ticket.is_private
                else ""
            )
            return (
                f'<td class="col-subject"><a class="ticket-link" href="{url}{ticket.number}/">'
                f"{escape(ticket.subject)}</a>{badge}</td>"
            )
        case "requester":
            return f"<td>{escape(ticket.requester.name)}</td>"
        case "status":
            status = escape(ticket.status)
            return (
                f'<td><span class="badge status-{status}">'
                f"{escape(choice_label(status, 'status'))}</span></td>"
            )
        case "priority":
            if not ticket.priority:
                return f"<td>{_DASH}</td>"
            return (
                f'<td><span class="priority-{escape(ticket.priority)}">'
                f"{escape(choice_label(ticket.priority, 'priority'))}</span></td>"
            )
        case "type":
            return f"<td>{escape(choice_label(ticket.type, 'type')) or _DASH}</td>"
        case "assignee":
            return f"<td>{_name(ticket.assignee) if ticket.assignee_id else _DASH}</td>"
        case "group":
            return f"<td>{_name(ticket.group) if ticket.group_id else _DASH}</td>"
        case "organization":
            org = ticket.organization if ticket.organization_id else None
            return f"<td>{_name(org)}</td>"
        case "channel":
            return f"<td>{escape(str(Channel(ticket.channel).label))}</td>"
        case "tags":
            return f'<td class="small">{escape(ticket.tags) or _DASH}</td>'
        case "due":
            due = ticket.due_at
            label = escape(date_format(due, "SHORT_DATE_FORMAT")) if due else _DASH
            return f'<td class="nowrap">{label}</td>'
        case "created" | "updated" | "solved":
            value = getattr(ticket, f"{key}_at")
            return f'<td class="nowrap muted">{_ago(value, texts)}</td>'
    return "<td></td>"


def _ticket_row(ticket: Ticket, texts, url: str, *, checkable, columns):
    # Plain strings and the standard library's escape (what django.utils.html.escape
    # does, without its lazy-string checks): 50 rows × ~20 values per page.
    number = ticket.number
    private = ticket.is_private
    check = (
        f'<td class="col-check"><input type="checkbox" name="tickets" value="{number}" '
        f'aria-label="{escape(texts["select"] % {"number": number})}"></td>'
        if checkable
        else ""
    )
    cells = "".join(_cell(key, ticket, texts, url) for key in columns)
    return (
        f'<tr class="ticket-row{" is-private" if private else ""}" '
        f'title="{escape(row_summary(ticket))}">{check}{cells}</tr>\n'
    )


@register.simple_tag
def ticket_rows(tickets, checkable=False, hide_requester=False, columns=None):
    """``{% ticket_rows tickets checkable=True columns=columns %}``: one ``<tr>`` per
    ticket; ``columns`` are keys of tickets.selectors.VIEW_COLUMNS (a view's choice),
    by default DEFAULT_COLUMNS."""
    texts = _row_texts()
    url = number_url_prefix("tickets:ticket_detail")
    keys = [getattr(c, "key", c) for c in columns] if columns else list(DEFAULT_COLUMNS)
    if hide_requester:
        keys = [key for key in keys if key != "requester"]
    rows = [
        _ticket_row(ticket, texts, url, checkable=checkable, columns=keys) for ticket in tickets
    ]
    return mark_safe("".join(rows))  # noqa: S308 - every value in a row is escaped


# --- The ticket page's conversation -----------------------------------------------------
# Rendered in one pass for the same reason as the rows: 60 comments through the template
# (two date filters, translated labels, an attachments loop each) were ~60% of the
# ticket page's CPU (issue 8, scenario 2). The markup is the template's, less indentation.


def _conversation_texts() -> dict[str, str]:
    return per_language(
        "_conversation",
        lambda: {
            "public": escape(_("Public reply")),
            "internal": escape(_("Internal note")),
            "description": escape(_("Description")),
        },
    )


@functools.cache
def _paperclip() -> str:
    # The markup of templates/_icon.html, for the one-pass conversation below.
    href = escape(f"{static('img/icons.svg')}#paperclip")
    return f'<svg class="icon" aria-hidden="true" focusable="false"><use href="{href}"></use></svg>'


def _attachment(attachment, ticket_number: int) -> str:
    url = reverse("tickets:attachment_download", args=[ticket_number, attachment.token])
    return (
        f'<li><a href="{url}">{_paperclip()} {escape(attachment.filename)} '
        f'<span class="muted">({filesizeformat(attachment.size)})</span></a></li>'
    )


def _comment(comment, counter: int, texts, ticket_number: int) -> str:
    author = comment.author
    agent = " avatar-agent" if author.is_agent else ""
    kind = (
        f'<span class="comment-kind">{texts["public"]}</span>'
        if comment.public
        else f'<span class="comment-kind comment-kind-internal">{texts["internal"]}</span>'
    )
    first = f'<span class="muted small">· {texts["description"]}</span>' if counter == 1 else ""
    created = comment.created_at
    # html_body was sanitised (nh3) when the comment was written.
    body = comment.html_body or linebreaksbr(comment.body, autoescape=True)
    files = "".join(_attachment(a, ticket_number) for a in comment.attachments.all())
    files = f'<ul class="attachments">{files}</ul>' if files else ""
    return (
        f'<li class="comment{"" if comment.public else " comment-internal"}" '
        f'id="comment-{counter}"><div class="comment-head">'
        f'<span class="avatar{agent}" aria-hidden="true">{escape(author.name[:1].upper())}</span>'
        f'<span class="author">{escape(author.name)}</span>{kind}{first}'
        f'<time class="muted small comment-time" datetime="{iso(created)}">'
        f"{escape(datetime_label(created))}</time></div>"
        f'<div class="comment-body">{body}</div>{files}</li>\n'
    )


@register.simple_tag
def conversation(comments, ticket):
    """``{% conversation comments ticket %}``: the ``<li>`` of each comment, oldest first."""
    texts = _conversation_texts()
    return mark_safe(  # noqa: S308 - every value is escaped; html_body was sanitised
        "".join(
            _comment(comment, counter, texts, ticket.number)
            for counter, comment in enumerate(comments, start=1)
        )
    )
