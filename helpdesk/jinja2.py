"""The Jinja2 environment of the pages written in Jinja2 (templates/jinja2/, issue 17):
what Django's templates offer those pages, as globals and filters.

- ``url('app:name', *args)``, ``static(path)``, ``get_language()``;
- ``_``/``gettext``, ``ngettext``, ``pgettext`` (the i18n extension over Django's own
  translation, so the request's active language applies). A translation is printed as
  ``{% translate %}`` prints it (the catalogue is ours), its ``%(name)s`` values escaped;
- ``csrf_input``/``csrf_token`` (Django's Jinja2 backend), ``csp_nonce``, ``messages``,
  ``request``, ``user``, ``account`` (the DTL engine's context processors, settings);
- the project's template tags the converted pages use (tickets, macros, ticketlinks,
  reports), called as the same Python functions.

Escaping: every ``{{ }}`` goes through Django's ``escape`` (``html.escape``: ``&#x27;``
and ``&quot;``, where MarkupSafe writes ``&#39;`` and ``&#34;``), so a page prints the
bytes DTL printed; anything with ``__html__`` (a form field, ``format_html``) as is.
"""

from __future__ import annotations

import html
import sys
from typing import Any

from django.template.backends.jinja2 import Jinja2 as DjangoJinja2
from django.template.backends.jinja2 import Template as DjangoTemplate
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.formats import localize
from jinja2 import Environment, pass_context
from markupsafe import Markup

from helpdesk import formatting


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def _finalize(value: Any) -> Any:
    """Django's escaping (``django.utils.html.escape``) for every printed value."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))  # noqa: S704  # escaped on this line


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    options.setdefault("keep_trailing_newline", True)  # as DTL prints an include's last line
    env = Environment(finalize=_finalize, **options)  # noqa: S701  # autoescape: the backend's default, on
    # New style: ``_("Page %(number)s", number=n)``, the values escaped by ``%``.
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        translation.gettext,
        translation.ngettext,
        newstyle=True,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    env.globals.update(
        url=url,
        static=static,
        get_language=translation.get_language,
        **_project_globals(),
    )
    env.filters.update(localize=localize, **_project_filters())
    return env


def _project_globals() -> dict[str, Any]:
    # Imported here: the environment is built on the first render, with the apps loaded.
    from macros.templatetags.macros import macros_for_page
    from ticketlinks.templatetags.ticketlinks import may_merge
    from tickets.templatetags import agent, pages

    return {
        "agent_nav": pass_context(agent.agent_nav),
        "sort_header": pass_context(agent.sort_header),
        "page_query": pass_context(pages.page_query),
        "row_texts": agent.row_texts,
        "row_columns": agent.row_columns,
        "default_row_columns": agent.default_row_columns,
        "ticket_row_values": pass_context(agent.ticket_row_values),
        "agent_macros": macros_for_page,
        "may_merge": may_merge,
        "datetime_label": formatting.datetime_label,
        "iso": formatting.iso,
    }


def _project_filters() -> dict[str, Any]:
    from reports.templatetags.reports import may_see_reports
    from tickets.templatetags import agent

    return {
        "field_column": agent.field_column,
        "may_see_reports": may_see_reports,
        "choice_label": agent.choice_label,
        "since": agent.since,
    }


class Template(DjangoTemplate):
    @property
    def name(self) -> str | None:
        return self.template.name  # as DTL's Template.name (the test client lists them)

    def render(self, context=None, request=None):
        # The test client reads a response's templates and context from this signal, as
        # for DTL (django.test.utils.instrumented_test_render); only loaded under tests.
        signals = sys.modules.get("django.test.signals")
        if signals is not None:
            signals.template_rendered.send(sender=self, template=self, context=context)
        return super().render(context, request)


class Jinja2(DjangoJinja2):
    """Django's Jinja2 backend, telling the test client what it rendered."""

    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        template = super().get_template(template_name)
        return Template(template.template, self)
