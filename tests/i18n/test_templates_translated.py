"""Every piece of text a person reads in a template is inside a translation tag, and
every date shown follows the viewer's locale.

Each template is split with Django's own template lexer; the text between tags is then
read as HTML (text nodes and the attributes people read: title, alt, placeholder,
aria-label, button values) or, for email text templates, as plain text. Anything with a
letter in it outside {% translate %} / {% blocktranslate %} fails. Only punctuation and
symbols (·, →, —, #, …) may stand outside, and the contents of <script> and <style>.
String literals people read inside tags (``|default:"None"``) must be ``_("…")`` too, and
``|date`` takes a named format (DATETIME_FORMAT…), never a hand-written one like "j M Y".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Stands for a {{ variable }} or {% tag %}: what it prints is not the template's own text.
TAG = "\ufffc"
# Blocks whose contents are translated as a whole, or never shown.
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}
READ_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "label",
    "data-confirm",
    "data-prompt",
}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# A literal argument of these filters is printed as it is.
PRINTED_LITERAL = re.compile(r"""\|\s*(?:default|default_if_none|yesno)\s*:\s*(["'])(.*?)\1""")
# Dates follow the viewer's locale: a named format (DATETIME_FORMAT…), or a machine one.
DATE_LITERAL = re.compile(r"""\|\s*(?:date|time)\s*:\s*(["'])(.*?)\1""")
MACHINE_DATE_FORMATS = {"c", "U", "r", "Y-m-d", "Y-m-d\\TH:i"}


def shown(value: str) -> str:
    """The text as a reviewer reads it: one … per run of tags, none at the ends."""
    return " ".join(re.sub(f"[{TAG}\\s]*{TAG}[{TAG}\\s]*", " … ", value).split()).strip("… ")


def is_words(literal: str) -> bool:
    """A literal people read, not a code like ``'en'`` (``|default:'en'`` for a lang attribute)."""
    return has_text(literal) and not re.fullmatch(r"[a-z]{2,3}(?:[-_][a-zA-Z]{2,4})?", literal)


def has_text(value: str) -> bool:
    return any(ch.isalpha() for ch in value.replace(TAG, ""))


def _block_name(token) -> str:
    bits = token.contents.split()
    return bits[1] if len(bits) > 1 and bits[0] == "block" else ""


def skeleton(source: str, *, hidden_blocks: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """The template with every tag and variable replaced by TAG (newlines kept, so
    positions still point at the right line), and the printed literals found in tags.
    ``hidden_blocks`` are {% block %}s whose parent prints them where nobody reads them
    (a class attribute: ``{% block body_class %}agent{% endblock %}``)."""
    parts: list[str] = []
    literals: list[str] = []
    closing: str | None = None
    blocks: list[str] = []  # the open {% block %}s, innermost last
    hidden_depth = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0] if token.contents else ""
            if closing is None and name in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[name]
            elif closing is not None and name == closing:
                closing = None
            elif closing is None and name == "block":
                blocks.append(_block_name(token))
                hidden_depth += blocks[-1] in hidden_blocks
            elif closing is None and name == "endblock" and blocks:
                hidden_depth -= blocks.pop() in hidden_blocks
        if token.token_type == TokenType.TEXT and closing is None and not hidden_depth:
            parts.append(token.contents)
            continue
        if token.token_type in (TokenType.VAR, TokenType.BLOCK) and closing is None:
            literals += [m.group(2) for m in PRINTED_LITERAL.finditer(token.contents)]
            literals += [
                f"date format {m.group(2)}"
                for m in DATE_LITERAL.finditer(token.contents)
                if not m.group(2).endswith("_FORMAT") and m.group(2) not in MACHINE_DATE_FORMATS
            ]
        parts.append(TAG + "\n" * token.contents.count("\n"))
    return "".join(parts), literals


BLOCK_MARK = re.compile("\ue000([^\ue001]*)\ue001")


def hidden_blocks_of(paths: list[Path]) -> frozenset[str]:
    """Blocks that the templates print only inside attributes nobody reads (class, id,
    data-…): their contents, in child templates, are not text. (A child template's own
    top-level {% block %} overrides sit outside any HTML; they say nothing of the place.)"""
    contexts: dict[str, set[bool]] = {}
    for path in paths:
        if path.suffix != ".html":
            continue
        marked = []
        source = path.read_text(encoding="utf-8")
        extends = any(
            t.token_type == TokenType.BLOCK and t.contents.startswith("extends ")
            for t in Lexer(source).tokenize()
        )
        for token in Lexer(source).tokenize():
            if token.token_type == TokenType.TEXT:
                marked.append(token.contents)
            elif token.token_type == TokenType.BLOCK and _block_name(token):
                marked.append(f"\ue000{_block_name(token)}\ue001")
            else:
                marked.append(TAG)
        finder = _BlockPlaces(attributes_only=extends)
        finder.feed("".join(marked))
        for name, read in finder.places:
            contexts.setdefault(name, set()).add(read)
    return frozenset(name for name, read in contexts.items() if read == {False})


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_depth = 0

    def _report(self, text: str) -> None:
        self.found.append((self.getpos()[0], shown(text)))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._raw_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            shown = name in READ_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES
            )
            if shown and value and has_text(value):
                self._report(f'{name}="{value}"')

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._raw_depth -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._raw_depth:
            self._raw_depth -= 1

    def handle_data(self, data):
        if not self._raw_depth and has_text(data):
            self._report(data)


class _BlockPlaces(HTMLParser):
    """Where each {% block %} sits: in text people read, or in an attribute they don't."""

    def __init__(self, *, attributes_only: bool):
        super().__init__(convert_charrefs=True)
        self.places: list[tuple[str, bool]] = []
        self.attributes_only = attributes_only

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            for block in BLOCK_MARK.findall(value or ""):
                self.places.append((block, name in READ_ATTRIBUTES))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if not self.attributes_only:
            self.places += [(block, True) for block in BLOCK_MARK.findall(data)]


def untranslated_text(path: Path, *, hidden_blocks: frozenset[str] = frozenset()) -> list[str]:
    text, literals = skeleton(path.read_text(encoding="utf-8"), hidden_blocks=hidden_blocks)
    problems = [
        f"{value} (use a named format: DATE_FORMAT, DATETIME_FORMAT…)"
        if value.startswith("date format ")
        else f'literal “{value}” (use _("…"))'
        for value in literals
        if is_words(value)
    ]
    if path.suffix == ".html":
        finder = _TextFinder()
        finder.feed(text)
        finder.close()
        problems += [f"line {line}: {snippet}" for line, snippet in finder.found]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if has_text(line):
                problems.append(f"line {number}: {shown(line)}")
    return problems


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


@pytest.fixture(scope="module")
def hidden_blocks():
    return hidden_blocks_of(template_files())


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_text_outside_translation_tags(path, hidden_blocks):
    problems = untranslated_text(path, hidden_blocks=hidden_blocks)
    assert not problems, (
        f"{path.relative_to(TEMPLATES)}: text outside a translation tag, or a fixed date format:\n"
        + ("\n".join(problems))
    )


def test_the_check_finds_text_attributes_and_literals(tmp_path):
    # The check itself: each of these is text a person reads.
    bad = tmp_path / "bad.html"
    bad.write_text(
        '{% load i18n %}<p>Hello {{ name }}</p><input type="submit" value="Save">'
        '<a title="Open it" href="/x/">{% translate "Open" %}</a>{{ x|default:"None" }}'
        '<time datetime="{{ d|date:"c" }}">{{ d|date:"j M Y" }}</time>'
        "<script>const words = 'not checked';</script>",
        encoding="utf-8",
    )
    problems = untranslated_text(bad)
    assert len(problems) == 5, problems

    good = tmp_path / "good.html"
    good.write_text(
        '{% load i18n %}<p>{% translate "Hello" %} · {{ name }} → #{{ number }}</p>'
        '<input type="submit" value="{% translate "Save" %}"><input type="text" value="abc">'
        '{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}{{ x|default:_("None") }}'
        "{% comment %}Notes for developers{% endcomment %}",
        encoding="utf-8",
    )
    assert untranslated_text(good) == []


def test_blocks_printed_in_a_class_attribute_are_not_text(tmp_path):
    parent = tmp_path / "parent.html"
    parent.write_text(
        '<body class="{% block body_class %}{% endblock %}"><h1>{% block title %}'
        "{% endblock %}</h1></body>",
        encoding="utf-8",
    )
    child = tmp_path / "child.html"
    child.write_text(
        '{% extends "parent.html" %}{% block body_class %}agent{% endblock %}'
        "{% block title %}Welcome{% endblock %}",
        encoding="utf-8",
    )
    hidden = hidden_blocks_of([parent, child])
    assert hidden == {"body_class"}
    assert untranslated_text(child, hidden_blocks=hidden) == ["line 1: Welcome"]
