"""The Jinja2 environment of the pages written in Jinja2 (templates/jinja2/, issue 17):
what Django's templates offer those pages, as globals and filters.

- ``url('app:name', *args)``, ``static(path)``, ``get_language()``;
- ``_``/``gettext``, ``ngettext``, ``pgettext`` (the i18n extension over Django's own
  translation, so the request's active language applies). A translation is printed as
  ``{% translate %}`` prints it (the catalogue is ours), its ``%(name)s`` values escaped;
  every string is a format, so a literal "%s" is written "%%s" (the msgid DTL's
  extraction gave it too);
- ``csrf_input``/``csrf_token`` (Django's Jinja2 backend), ``csp_nonce``, ``messages``,
  ``request``, ``user``, ``account`` (the DTL engine's context processors, settings);
- the project's template tags the converted pages use (tickets, macros, ticketlinks,
  reports; for the ticket page also servicelevels, chat, notifications, escalations,
  calls, timeworked, knowledge), called as the same Python functions: an inclusion tag's
  function gives the values, and its template exists in templates/jinja2/;
- Django's filters those pages use (``date``/``time`` in the current time zone, as DTL's
  ``expects_localtime``; ``linebreaksbr``, ``truncatechars``, ``json_script``).

Escaping: every ``{{ }}`` goes through Django's ``escape`` (``html.escape``: ``&#x27;``
and ``&quot;``, where MarkupSafe writes ``&#39;`` and ``&#34;``), so a page prints the
bytes DTL printed; anything with ``__html__`` (a form field, ``format_html``) as is.
Once: ``_finalize`` is the only escape of a printed value. Jinja2 compiles ``{{ x }}``
to ``escape(environment.finalize(x))``; ``_CodeGenerator`` writes
``environment.finalize(x)`` alone, since ``_finalize`` already returns the HTML
(MarkupSafe's ``escape`` on it only called ``__html__`` and copied the string again:
issue 17's map gave the two 21 % of the list's request).
"""

from __future__ import annotations

import html
import sys
from types import SimpleNamespace
from typing import Any

import jinja2
from django.conf import settings
from django.middleware.csrf import get_token
from django.template import TemplateSyntaxError, defaultfilters, defaulttags
from django.template.backends.jinja2 import Jinja2 as DjangoJinja2
from django.template.backends.jinja2 import Template as DjangoTemplate
from django.template.backends.jinja2 import get_exception_info
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.functional import lazy
from django.utils.html import escape, format_html, json_script
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # DTL uses it; the stubs lack it
from jinja2 import Environment, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr

from helpdesk import formatting


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def _finalize(value: Any) -> str:
    """The HTML of every printed value: Django's escaping (``django.utils.html.escape``),
    or the value's own ``__html__`` (Markup, SafeString, a form field). A lazy
    translation and None are printed as ``str`` gives them, as DTL does."""
    if type(value) is str:  # the usual value: no attribute lookup
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


class _CodeGenerator(CodeGenerator):
    """``{{ x }}`` compiles to ``environment.finalize(x)``, without Jinja2's own
    ``escape(...)`` (or ``str(...)``) around it: ``_finalize`` returns the escaped text,
    so the value is escaped exactly once, whatever the autoescape setting. A constant
    (``{{ "a" }}``) is still folded when compiled, by Jinja2's own path."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if finalize.src is None:
            super()._output_child_pre(node, frame, finalize)
        else:
            self.write(finalize.src)

    def _output_child_post(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if finalize.src is None:
            super()._output_child_post(node, frame, finalize)
        else:
            self.write(")")


class _Environment(Environment):
    code_generator_class = _CodeGenerator


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    options.setdefault("keep_trailing_newline", True)  # as DTL prints an include's last line
    env = _Environment(finalize=_finalize, **options)  # noqa: S701  # autoescape: the backend's default, on
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
    env.filters.update(
        localize=localize,
        date=_date,
        time=_time,
        linebreaksbr=defaultfilters.linebreaksbr,
        truncatechars=defaultfilters.truncatechars,
        capfirst=defaultfilters.capfirst,
        linebreaks=defaultfilters.linebreaks_filter,  # escapes first (autoescape=True)
        filesizeformat=defaultfilters.filesizeformat,  # Django's words, not Jinja2's
        urlencode=defaultfilters.urlencode,  # Django's safe characters
        escapejs=defaultfilters.escapejs_filter,
        json_script=json_script,
        # Django's entities for a value escaped before ``%`` (a translation's values).
        e=escape,
        escape=escape,
        **_project_filters(),
    )
    return env


def _date(value: Any, arg: str | None = None) -> str:
    """DTL's ``|date:arg``: a datetime in the current time zone (``expects_localtime``)."""
    return defaultfilters.date(template_localtime(value), arg)


def _time(value: Any, arg: str | None = None) -> str:
    return defaultfilters.time(template_localtime(value), arg)


def _project_globals() -> dict[str, Any]:
    # Imported here: the environment is built on the first render, with the apps loaded.
    from macros.templatetags.macros import macros_for_page
    from ticketlinks.templatetags.ticketlinks import may_merge
    from tickets.templatetags import agent, pages

    return {
        **_ticket_page_globals(),
        **_help_center_globals(),
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


def _ticket_page_globals() -> dict[str, Any]:
    """The ticket page's tags (templates/jinja2/agent/ticket_detail.html): each inclusion
    tag's function, whose values its Jinja2 template prints."""
    from calls.templatetags.calls import call_panel
    from chat.templatetags.chat_agent import chat_start_button
    from escalations.templatetags.escalations import escalation_panel
    from knowledge.templatetags.knowledge import capture_replies
    from macros.selectors import macro_tree
    from notifications.templatetags.following import ticket_follow_button
    from servicelevels.templatetags.sla import sla_countdown_words, ticket_sla_targets
    from ticketlinks.templatetags.ticketlinks import ticket_links_panel
    from tickets.templatetags import agent
    from timeworked.templatetags.timeworked import comment_times, reply_time_field, time_panel

    return {
        # A filter on a literal is run once, when Jinja compiles the template (constant
        # folding), in whichever language that was: a translated label of a literal is a
        # call, ``submit_as("open")``.
        "submit_as": agent.submit_as,
        "ticket_status_label": agent.ticket_status_label,
        "comment_values": agent.comment_values,
        "comment_times": comment_times,
        "ticket_sla_targets": pass_context(ticket_sla_targets),
        "sla_countdown_words": sla_countdown_words,
        "chat_start_button": pass_context(chat_start_button),
        "ticket_follow_button": pass_context(ticket_follow_button),
        "ticket_links_panel": pass_context(ticket_links_panel),
        "macro_tree": macro_tree,
        "escalation_panel": pass_context(escalation_panel),
        "call_panel": pass_context(call_panel),
        "time_panel": pass_context(time_panel),
        "reply_time_field": pass_context(reply_time_field),
        "capture_replies": pass_context(capture_replies),
    }


def _help_center_globals() -> dict[str, Any]:
    """The help center's pages (templates/jinja2/portal/): its chrome, My activities and
    the request page."""
    from calls.templatetags.calls import call_facts
    from escalations.templatetags.escalations import escalation_timeline
    from knowledge.templatetags.knowledge import shared_resources
    from portal.templatetags import portal

    return {
        "call_facts": call_facts,
        "escalation_timeline": escalation_timeline,
        "shared_resources": pass_context(shared_resources),
        "querystring": pass_context(_querystring),
        "language_infos": _language_infos,
        "get_current_timezone_name": timezone.get_current_timezone_name,
        "sort_link": portal.sort_link,
        "request_url_prefix": portal.request_url_prefix,
        "request_row_values": portal.request_row_values,
    }


def _querystring(context: Any, *args: Any, **kwargs: Any) -> str:
    """DTL's ``{% querystring %}`` (the request's GET changed by ``kwargs``; None drops
    a key), the same function."""
    # It reads nothing of its context but ``.request`` (used when no mapping is given).
    shim: Any = SimpleNamespace(request=context["request"])
    return defaulttags.querystring(shim, *args, **kwargs)


def _language_infos() -> list[dict[str, Any]]:
    """DTL's ``{% get_language_info_list for LANGUAGES %}``: the languages offered."""
    return [translation.get_language_info(code) for code, _name in settings.LANGUAGES]


def _project_filters() -> dict[str, Any]:
    from knowledge.templatetags import knowledge
    from portal.templatetags import portal
    from reports.templatetags.reports import may_see_reports
    from tickets.templatetags import agent
    from timeworked.templatetags.timeworked import time_of, worked

    return {
        "submit_as": agent.submit_as,
        "hidden_initial": agent.hidden_initial,
        "event_field": agent.event_field,
        "event_value": agent.event_value,
        "time_of": time_of,
        "worked": worked,
        "field_column": agent.field_column,
        "may_see_reports": may_see_reports,
        "choice_label": agent.choice_label,
        "since": agent.since,
        # the help center's
        "initials": portal.initials,
        "is_inline_image": portal.is_inline_image,
        "allowed_types": portal.allowed_types,
        "hc_status_key": portal.hc_status_key,
        "hc_status_label": portal.hc_status_label,
        # the knowledge base's, in the help center
        "named": knowledge.named,
        "described": knowledge.described,
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
        if request is None:
            return super().render(context, request)
        # Django's backend gives lazy csrf_input/csrf_token that mask a new token (32
        # secrets.choice calls) at every print: the ticket page's dozen forms made ~4 M of
        # its instructions (issue 17). One masked token per page, as DTL's csrf_token
        # context processor gives; the backend's steps otherwise.
        context = {} if context is None else context
        context["request"] = request
        token = _once(get_token, request)
        context["csrf_token"] = _lazy_csrf_token(token)
        context["csrf_input"] = _lazy_csrf_input(token)
        for context_processor in self.backend.template_context_processors:
            context.update(context_processor(request))
        return self.template_render(context)

    def template_render(self, context: dict) -> str:
        """Django's backend's Template.render from the context on (its errors too)."""
        try:
            return self.template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            new: Any = TemplateSyntaxError(exc.args)
            new.template_debug = get_exception_info(exc)  # type: ignore[arg-type]  # as Django's backend
            raise new from exc


def _once(function, request):
    """``function(request)``, called at most once."""
    found: list = []

    def value():
        if not found:
            found.append(function(request))
        return found[0]

    return value


def csrf_input(token: str) -> SafeString:
    """django.template.backends.utils.csrf_input, for a token already masked."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _csrf_token_value(token) -> str:
    return token()


def _csrf_input_value(token) -> SafeString:
    return csrf_input(token())


# Made once: each ``lazy()`` call builds a class (a wrapper for every method of str and
# SafeString), ~0.4 M instructions; made at every render, they were a quarter of the
# requester type-ahead's render (bench 3; bench/README.md, "The type-ahead's lazies").
_lazy_csrf_token = lazy(_csrf_token_value, str)
_lazy_csrf_input = lazy(_csrf_input_value, SafeString, str)


class Jinja2(DjangoJinja2):
    """Django's Jinja2 backend, telling the test client what it rendered."""

    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        template = super().get_template(template_name)
        return Template(template.template, self)
