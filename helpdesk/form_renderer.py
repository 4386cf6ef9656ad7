"""The form renderer: Django's, with ``<select>`` written out in Python.

Django renders a select through a template per option (an ``{% include %}`` and the
attrs template, each a context push): the ticket list's bulk bar, five selects with the
account's 54 agents, took 11 ms of CPU a page at a million tickets (issue 8), as much as
the rest of the page. ``render`` here writes exactly the markup of Django's
``select.html`` / ``select_option.html`` / ``attrs.html`` (tests/test_form_renderer.py
compares both on every shape a select can take); any other widget, or a select whose
templates were changed, is rendered by Django as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """What ``{{ value|stringformat:'s' }}`` prints under autoescaping."""
    return conditional_escape(value if hasattr(value, "__html__") else str(value))


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _select(widget: dict) -> str:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _is_plain_select(template_name: str, context: dict) -> bool:
    widget = context.get("widget")
    return (
        template_name == SELECT
        and isinstance(widget, dict)
        and all(
            option.get("template_name") == OPTION
            for _name, options, _index in widget.get("optgroups", ())
            for option in options
        )
    )


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if _is_plain_select(template_name, context):
            return _select(context["widget"])
        return super().render(template_name, context, request=request)
