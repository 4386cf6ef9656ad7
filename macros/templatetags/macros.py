"""The macros' pieces on the tickets' pages (the tickets app knows nothing of macros):
the ticket page's "Apply macro" picker (macros_for_page, a Jinja2 global) and the lists'
bulk "Apply macro" choice."""

from __future__ import annotations

from django import template

from accounts import compiled
from macros.models import Macro
from macros.selectors import macros_for_agent

register = template.Library()


def _macros(context) -> list:
    # Read once per page, whichever piece asks first; only what the picker and the bulk
    # choice print (no owner, no groups: their join and prefetch were ~1.5 ms a page),
    # compiled once per agent and process (accounts.compiled: ~2 ms a page).
    if "_agent_macros" not in context.render_context:
        context.render_context["_agent_macros"] = macros_for_page(context["request"])
    return context.render_context["_agent_macros"]


def macros_for_page(request) -> list:
    """The agent's macros as the pickers print them (also the Jinja2 pages' global)."""
    user = request.user
    return compiled.rows(
        Macro,
        ("macros_for_agent", user.account_id, user.pk, user.role),
        lambda: (
            macros_for_agent(viewer=user)
            .select_related(None)
            .prefetch_related(None)
            .only("number", "title", "description")
        ),
    )


@register.inclusion_tag("macros/_bulk_choice.html", takes_context=True)
def macro_bulk_choice(context):
    return {"macros": _macros(context)}
