"""Lint rule (issue 17): no HTML is built in Python and then declared safe. ``mark_safe``,
``SafeString`` or MarkupSafe's ``Markup`` (the Jinja2 pages' safe string) applied to an
f-string, a ``%`` or ``.format()`` result, a concatenation or a ``"".join(...)`` —
directly or through a local variable holding one — fails here, in every module outside
tests/. Markup belongs in templates, where escaping is the default; ``format_html``
(which escapes its arguments) stays allowed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"tests", "node_modules", "staticfiles", "media", "var", "tmp"}
SAFE_MAKERS = {"mark_safe", "SafeString", "SafeText", "Markup"}
SAFE_MODULES = {"django.utils.safestring", "markupsafe", "jinja2"}


def python_sources() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not ({part for part in path.relative_to(ROOT).parts[:-1]} & SKIP_DIRS)
        and not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
    ]


def _safe_maker_names(tree: ast.Module) -> set[str]:
    """The names mark_safe/SafeString/Markup go by in this module (``import … as …`` too)."""
    names = set(SAFE_MAKERS)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in SAFE_MODULES:
            names |= {alias.asname for alias in node.names if alias.asname}
    return names


def _is_safe_maker(func: ast.expr, names: set[str]) -> bool:
    if isinstance(func, ast.Name):
        return func.id in names
    return isinstance(func, ast.Attribute) and func.attr in SAFE_MAKERS


def _builds_a_string(node: ast.expr) -> bool:
    """An f-string, ``a % b``, ``a + b``, ``x.format(...)`` or ``x.join(...)``."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"format", "join", "format_map"}
    )


def _assignments(scope: ast.AST) -> dict[str, list[ast.AST]]:
    """Each local name of a function (or module) and every assignment to it (an
    augmented ``+=`` counts as building a string)."""
    values: dict[str, list[ast.AST]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            values.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            values.setdefault(node.target.id, []).append(node)
    return values


def violations(source: str, filename: str = "<source>") -> list[str]:
    tree = ast.parse(source, filename)
    names = _safe_maker_names(tree)
    found = []
    scopes = [
        tree,
        *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)),
    ]
    for scope in scopes:
        assigned = _assignments(scope)
        for node in ast.walk(scope):
            if not (isinstance(node, ast.Call) and _is_safe_maker(node.func, names) and node.args):
                continue
            arg = node.args[0]
            built = _builds_a_string(arg) or (
                isinstance(arg, ast.Name)
                and any(
                    isinstance(value, ast.AugAssign) or _builds_a_string(value)  # type: ignore[arg-type]
                    for value in assigned.get(arg.id, [])
                )
            )
            if built:
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:80]}")
    return sorted(set(found))


def test_no_module_declares_a_built_string_safe():
    found = []
    for path in python_sources():
        found += violations(path.read_text(), str(path.relative_to(ROOT)))
    assert not found, "HTML built in Python and marked safe; write a template:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        # The shapes the rows and the conversation had before issue 17.
        'from django.utils.safestring import mark_safe\nmark_safe("".join(rows))',
        "from django.utils.safestring import mark_safe\n"
        "def f(t):\n    rows = ''.join(x for x in t)\n    return mark_safe(rows)",
        'from django.utils.safestring import mark_safe\nmark_safe(f"<b>{name}</b>")',
        'from django.utils.safestring import mark_safe\nmark_safe("<b>%s</b>" % name)',
        'from django.utils.safestring import mark_safe\nmark_safe("<b>{}</b>".format(name))',
        'from django.utils.safestring import mark_safe\nmark_safe("<b>" + name + "</b>")',
        'from django.utils.safestring import SafeString\nSafeString(f"<i>{x}</i>")',
        'from django.utils.safestring import mark_safe as ok\nok(f"<i>{x}</i>")',
        'from django.utils import safestring\nsafestring.mark_safe("<i>" + x)',
        "from django.utils.safestring import mark_safe\n"
        "def f(x):\n    html = '<p>'\n    html += x\n    return mark_safe(html)",
        # The Jinja2 pages' safe string (helpdesk/jinja2.py), by every road.
        'from markupsafe import Markup\nMarkup(f"<b>{name}</b>")',
        'from markupsafe import Markup\nMarkup("<b>%s</b>" % name)',
        'from markupsafe import Markup\nMarkup("<b>{}</b>".format(name))',
        'from jinja2 import Markup as M\nM("<b>" + name)',
        'import markupsafe\nmarkupsafe.Markup(f"<i>{x}</i>")',
        "from markupsafe import Markup\ndef f(x):\n    html = f'<p>{x}'\n    return Markup(html)",
    ],
)
def test_the_rule_catches(source):
    assert violations(source)


@pytest.mark.parametrize(
    "source",
    [
        'from django.utils.safestring import mark_safe\nmark_safe("<br>")',
        'from django.utils.html import format_html\nformat_html("<b>{}</b>", name)',
        "from django.utils.safestring import mark_safe\n"
        "def f(comment):\n    return mark_safe(comment.html_body)  # sanitised on write",
        # Markup's own % and format escape their values; an escaped value may be Markup.
        'from markupsafe import Markup\nMarkup("<b>%s</b>") % name',
        'from markupsafe import Markup\nMarkup("<b>{}</b>").format(name)',
        "import html\nfrom markupsafe import Markup\nMarkup(html.escape(str(value)))",
    ],
)
def test_the_rule_lets_through(source):
    assert not violations(source)


def test_the_rule_reads_the_whole_code_base():
    sources = {str(p.relative_to(ROOT)) for p in python_sources()}
    assert "tickets/templatetags/agent.py" in sources
    assert "portal/selectors.py" in sources
    assert "helpdesk/jinja2.py" in sources
    assert not [s for s in sources if s.startswith("tests/")]
