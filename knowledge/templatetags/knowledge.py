from __future__ import annotations

from django import template
from django.utils import translation

from knowledge import selectors
from knowledge.forms import locale_or_default
from knowledge.models import Category, Section

register = template.Library()


@register.filter
def named(obj: Category | Section, locale: str) -> str:
    """The name in ``locale``, else the first language that has one."""
    return str(obj.version(locale).get("name") or obj)


@register.filter
def described(obj: Category | Section, locale: str) -> str:
    return str(obj.version(locale).get("description") or "")


# A global of the Jinja2 request page (helpdesk/jinja2.py).
def shared_resources(context, comments) -> list[selectors.Shown]:
    """The articles shared in a request's comments that the viewer may read."""
    request = context["request"]
    account = request.account
    return selectors.shared_articles(
        account=account,
        viewer=request.user,
        texts=[part for c in comments for part in (c.body, c.html_body)],
        locale=locale_or_default(translation.get_language(), account.default_locale),
    )


@register.simple_tag(takes_context=True)
def capture_replies(context, ticket, comments) -> list[dict]:
    """Knowledge capture's choices on the ticket page: the public replies agents wrote on a
    solved or closed ticket, newest first, for an agent who may write articles (none for
    anyone else, and no query for a ticket that is not solved)."""
    return selectors.capture_replies(viewer=context["request"].user, ticket=ticket, rows=comments)
