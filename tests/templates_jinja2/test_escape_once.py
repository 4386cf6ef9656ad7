"""Every value a Jinja2 page prints is escaped exactly once, with Django's entities
(helpdesk/jinja2.py: ``_finalize`` is the only escape; no MarkupSafe ``escape`` around it),
as DTL prints the same value."""

from __future__ import annotations

from django.template import engines
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from markupsafe import Markup

HOSTILE = "a'b\"<script>&amp;</script>"
DJANGO = "a&#x27;b&quot;&lt;script&gt;&amp;amp;&lt;/script&gt;"


def _jinja2(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def _dtl(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_a_value_is_escaped_once_with_djangos_entities_as_dtl_prints_it():
    assert _jinja2("{{ v }}", v=HOSTILE) == DJANGO == _dtl("{{ v }}", v=HOSTILE)
    assert _jinja2("<a title='{{ v }}'>", v=HOSTILE) == f"<a title='{DJANGO}'>"


def test_a_value_through_a_macro_a_set_block_or_the_escape_filter_is_escaped_once():
    source = (
        "{% macro m(x) %}<b>{{ x }}</b>{% endmacro %}{{ m(v) }}|"
        "{% set block %}<i>{{ v }}</i>{% endset %}{{ block }}|{{ v|e }}"
    )
    assert _jinja2(source, v=HOSTILE) == f"<b>{DJANGO}</b>|<i>{DJANGO}</i>|{DJANGO}"


def test_safe_values_are_printed_as_they_are_and_others_as_str_gives_them():
    source = "{{ markup }}|{{ safe }}|{{ none }}|{{ lazy }}|{{ number }}|{{ missing }}"
    printed = _jinja2(
        source,
        markup=Markup("<i>ok</i>"),
        safe=mark_safe("<u>ok</u>"),
        none=None,
        lazy=gettext_lazy("Open"),
        number=3,
    )
    assert printed == "<i>ok</i>|<u>ok</u>|None|Open|3|"
