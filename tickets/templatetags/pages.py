"""``{% page_query page "next" %}``: the query string of a page's Previous or Next link,
the request's other parameters kept. A TicketPage's links carry its keyset cursor
(tickets.counts); any other page's, its number alone."""

from __future__ import annotations

from django import template

register = template.Library()

# Parameters that point into one ordering of one list: a link that changes the list
# (another sort, tab or filter) drops them.
PAGE_PARAMS = ("page", "cursor")


@register.simple_tag(takes_context=True)
def page_query(context, page, which: str) -> str:
    query = context["request"].GET.copy()
    if which == "next":
        number, cursor = page.next_page_number(), getattr(page, "next_cursor", None)
    else:
        number, cursor = page.previous_page_number(), getattr(page, "previous_cursor", None)
    query["page"] = str(number)
    if cursor:
        query["cursor"] = cursor
    else:
        query.pop("cursor", None)
    return f"?{query.urlencode()}"
