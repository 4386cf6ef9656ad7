"""Extract the project's translatable strings into the catalogues (locale/it, locale/es).

``make messages`` runs this; the catalogue test runs it into a temporary copy and fails
when the committed catalogues are stale. One list of options for both, here.
Needs GNU gettext (xgettext, msgmerge), as Django's makemessages does.
"""

from __future__ import annotations

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
]


def update_catalogues(*, verbosity: int = 1, symlinks: bool = False) -> None:
    """Run from the project's root: makemessages reads the current directory, and writes
    to the ``locale`` folder beside the sources. ``symlinks`` follows linked folders (the
    catalogue test links the sources beside a copy of locale/)."""
    call_command(
        "makemessages",
        locale=TRANSLATED_LANGUAGES,
        ignore_patterns=IGNORED,
        no_obsolete=True,
        symlinks=symlinks,
        verbosity=verbosity,
    )


class Command(BaseCommand):
    help = "Extract translatable strings into locale/it and locale/es (needs GNU gettext)."
    # Files in, files out: no model or database check. (Django's checks of the comments'
    # generated column ask PostgreSQL its version, and `make test` compiles before any
    # database need exist.)
    requires_system_checks = []

    def handle(self, *args: Any, **options: Any) -> None:
        update_catalogues(verbosity=options["verbosity"])
