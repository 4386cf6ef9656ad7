"""Compile the translation catalogues (.po → .mo) in pure Python.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine
may not have; ``make run``, ``make test`` and the Docker image call this instead, so the
.mo files are build output and never committed. Fuzzy and untranslated entries are left
out, as msgfmt leaves them out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


def catalogue_paths() -> list[Path]:
    return sorted(
        po for base in settings.LOCALE_PATHS for po in Path(base).glob("*/LC_MESSAGES/*.po")
    )


def compile_catalogues(*, force: bool = False) -> list[Path]:
    """Write each catalogue's .mo beside its .po when missing or older; return those written."""
    written = []
    for po in catalogue_paths():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        # Written aside, then renamed: parallel test workers may compile at the same time.
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        polib.pofile(str(po)).save_as_mofile(str(partial))
        os.replace(partial, mo)
        written.append(mo)
    return written


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (no gettext tools needed)."
    # Files in, files out: no model or database check. (Django's checks of the comments'
    # generated column ask PostgreSQL its version, and `make test` compiles before any
    # database need exist.)
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Rewrite up-to-date files too.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        written = compile_catalogues(force=force)
        for mo in written:
            shown = (
                mo.relative_to(settings.BASE_DIR) if mo.is_relative_to(settings.BASE_DIR) else mo
            )
            self.stdout.write(_("Compiled %(path)s") % {"path": shown})
        if not written:
            self.stdout.write(_("Translation catalogues are up to date."))
