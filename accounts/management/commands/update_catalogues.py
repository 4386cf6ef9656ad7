"""Extract the project's translatable strings into the catalogues (locale/it, locale/es).

``make messages`` runs this; the catalogue test runs it into a temporary copy and fails
when the committed catalogues are stale. One list of options for both, here.
Needs GNU gettext (xgettext, msgmerge), as Django's makemessages does.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
IGNORED = [
    ".venv",
    "venv",
    "tests",
    "locale",
    "media",
    "staticfiles",
    "var",
    "node_modules",
    "bench",
    "*.egg-info",
    # Jinja2 (issue 17): not Django's template language; read by jinja2_stubs() instead.
    "templates/jinja2/*",
]
JINJA2_TEMPLATES = Path("templates") / "jinja2"
# The stubs' folder, beside the sources while makemessages runs; its name is taken out of
# the catalogues' references afterwards, so they point at the templates.
STUBS = Path("jinja2-catalogue-stubs")


def update_catalogues(*, verbosity: int = 1, symlinks: bool = False) -> None:
    """Run from the project's root: makemessages reads the current directory, and writes
    to the ``locale`` folder beside the sources. ``symlinks`` follows linked folders (the
    catalogue test links the sources beside a copy of locale/)."""
    jinja2_stubs(STUBS)
    try:
        call_command(
            "makemessages",
            locale=TRANSLATED_LANGUAGES,
            ignore_patterns=IGNORED,
            no_obsolete=True,
            symlinks=symlinks,
            verbosity=verbosity,
        )
    finally:
        shutil.rmtree(STUBS, ignore_errors=True)
    for po in Path("locale").glob("*/LC_MESSAGES/django.po"):
        text = po.read_text(encoding="utf-8")
        po.write_text(text.replace(f"{STUBS}/", "").replace(".html.py:", ".html:"), "utf-8")


def jinja2_stubs(folder: Path) -> None:
    """The Jinja2 templates' strings (Jinja's own extractor, the one Babel calls) as a
    Python file per template with each call on its template's line, for makemessages'
    xgettext: one catalogue, the same msgids as the DTL templates' where they agree."""
    from jinja2.ext import GETTEXT_FUNCTIONS, babel_extract

    for template in sorted(JINJA2_TEMPLATES.rglob("*.html")):
        lines: list[str] = []
        with template.open("rb") as source:
            found = babel_extract(source, GETTEXT_FUNCTIONS, [], {})
            for lineno, function, message, _comments in found:
                strings = message if isinstance(message, tuple) else (message,)
                args = ", ".join(repr(s) for s in strings if s is not None)
                lines += [""] * (lineno - len(lines))
                lines[lineno - 1] += f"{function}({args}); "
        stub = folder / f"{template}.py"
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Command(BaseCommand):
    help = "Extract translatable strings into locale/it and locale/es (needs GNU gettext)."
    # Files in, files out: no model or database check. (Django's checks of the comments'
    # generated column ask PostgreSQL its version, and `make test` compiles before any
    # database need exist.)
    requires_system_checks = []

    def handle(self, *args: Any, **options: Any) -> None:
        update_catalogues(verbosity=options["verbosity"])
