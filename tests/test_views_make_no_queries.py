"""Views parse, call one selector or service, render (house style): no view module
queries the ORM itself. A query a view needs is a selector (or an access function) of
its app, where the next reader looks for who may see what."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every first-party app: a directory of ROOT with an apps.py (a new app is covered the day
# it is added).
APPS = tuple(sorted(p.parent.name for p in ROOT.glob("*/apps.py")))
MANAGERS = {"objects", "all_accounts", "_default_manager", "_base_manager"}


def view_modules() -> list[Path]:
    found: set[Path] = set()
    for app in APPS:
        base = ROOT / app
        found.update(base.rglob("views.py"))
        found.update(base.rglob("views/*.py"))
        found.update(base.rglob("*_views.py"))
    found.add(ROOT / "macros" / "api.py")  # the macros' API views
    # tickets/services/saved_views.py: a service about views (saved lists), not a view.
    return sorted(p for p in found if "services" not in p.relative_to(ROOT).parts)


def manager_uses(path: Path) -> list[str]:
    """``Model.objects`` / ``Model.all_accounts`` (a class, by its capital) and
    ``x._default_manager``; not ``page.objects`` (a paginated page's rows)."""
    uses = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Attribute) or node.attr not in MANAGERS:
            continue
        owner = node.value
        by_model = isinstance(owner, ast.Name) and owner.id[:1].isupper()
        if by_model or node.attr.startswith("_"):
            uses.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    return uses


def test_the_view_modules_are_found():
    names = {str(p.relative_to(ROOT)) for p in view_modules()}
    assert {
        "portal/views.py",
        "tickets/views/ticket.py",
        "api/settings_views.py",
        "macros/ticket_views.py",
        "macros/api.py",
    } <= names


def test_no_view_queries_the_orm_directly():
    uses = [use for path in view_modules() for use in manager_uses(path)]
    assert uses == [], "Views call selectors and services; move these queries:\n" + "\n".join(uses)
