"""The form renderer: Django's, with ``<select>`` and ``<input>`` written out in Python.

Django renders a select through a template per option (an ``{% include %}`` and the
attrs template, each a context push): the ticket list's bulk bar, five selects with the
account's 54 agents, took 11 ms of CPU a page at a million tickets (issue 8), as much as
the rest of the page; the ticket page's fourteen inputs (text, hidden, date, email) cost
another 4 ms the same way. ``render`` here writes exactly the markup of Django's
``select.html`` / ``select_option.html`` / ``input.html`` / ``attrs.html``
(tests/test_form_renderer.py compares both on every shape these widgets take). The
ticket page's textareas, file and checkbox inputs and single radio buttons
(``textarea.html``, ``input_option.html``) likewise since issue 17's ticket page round
(they were ~4 M of its ~140 M instructions, through Django's templates); any other
widget (a whole radio or checkbox list, a multi-widget...) is rendered by Django as before.
"""

from __future__ import annotations

import html

from django.forms.renderers import DjangoTemplates

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# Django's input widgets whose template is input.html and nothing else.
INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "hidden",
        "email",
        "date",
        "datetime",
        "time",
        "number",
        "password",
        "tel",
        "url",
        "search",
        "color",
        # Their templates include input.html and nothing else.
        "file",
        "checkbox",
    )
}
TEXTAREA = "django/forms/widgets/textarea.html"
# One radio button or checkbox of a list, as BoundWidget.tag() renders it.
INPUT_OPTIONS = {
    f"django/forms/widgets/{name}.html" for name in ("radio_option", "checkbox_option")
}


def _text(value) -> str:
    """What ``{{ value|stringformat:'s' }}`` prints under autoescaping: Django's
    ``conditional_escape`` (its ``escape`` is ``html.escape`` of ``str``), without the
    lazy-string wrapper and the SafeString around each of a page's ~2,000 values
    (issue 17: ~5 M of the ticket page's instructions)."""
    if type(value) is str:  # the usual value: no attribute lookup
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


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


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    shown = _text(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>'


def _input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return _input(widget)
    id_ = widget["attrs"].get("id")
    label_for = f' for="{_text(id_)}"' if id_ else ""
    # input.html's own line end stays inside the label (only the whole render is stripped).
    return f"<label{label_for}>{_input(widget)}\n {_text(widget['label'])}</label>"


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


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if _is_plain_select(template_name, context):
            return _select(context["widget"])
        widget = context.get("widget")
        if isinstance(widget, dict):
            if template_name in INPUTS:
                return _input(widget)
            if template_name == TEXTAREA:
                return _textarea(widget)
            if template_name in INPUT_OPTIONS:
                return _input_option(widget)
        return super().render(template_name, context, request=request)
