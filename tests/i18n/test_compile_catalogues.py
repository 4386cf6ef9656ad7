"""The catalogues are compiled by the project itself, in Python (no GNU gettext on the
machine), as part of `make run`, `make test` and the Docker image; .mo files stay out of
git."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

from accounts.management.commands.compile_catalogues import compile_catalogues
from tests.commands import manage

ROOT = Path(settings.BASE_DIR)


def _po(path: Path) -> None:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "it"}
    po.append(polib.POEntry(msgid="Sign in", msgstr="Accedi"))
    po.append(polib.POEntry(msgid="Sign out", msgstr="Esci", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="Help center", msgstr=""))
    path.parent.mkdir(parents=True)
    po.save(str(path))


def test_compiles_po_to_mo_readable_by_gettext(tmp_path, settings):
    po = tmp_path / "locale" / "it" / "LC_MESSAGES" / "django.po"
    _po(po)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    assert compile_catalogues() == [po.with_suffix(".mo")]
    catalogue = gettext.translation("django", tmp_path / "locale", languages=["it"])
    assert catalogue.gettext("Sign in") == "Accedi"
    # As msgfmt does: a fuzzy or empty translation is left out, the English stays.
    assert catalogue.gettext("Sign out") == "Sign out"
    assert catalogue.gettext("Help center") == "Help center"
    # Up to date: nothing to do the second time.
    assert compile_catalogues() == []
    call_command("compile_catalogues", "--force")
    assert po.with_suffix(".mo").exists()


def test_make_run_make_test_and_the_image_compile_the_catalogues():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test"):
        recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
        assert "manage.py compile_catalogues" in recipe, target
    assert "manage.py compile_catalogues" in (ROOT / "Dockerfile").read_text()


def test_compiled_catalogues_are_not_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if tracked.returncode == 0:
        assert tracked.stdout.strip() == ""
    assert "*.mo" in (ROOT / ".gitignore").read_text().split()


def test_the_command_needs_no_database():
    """`make test` compiles before pytest creates its databases, and `make test
    DATABASE_URL=...` may name one that does not exist yet: the command runs no check
    that connects (the comments' generated column makes Django's model checks ask
    PostgreSQL its version)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/sportello_no_such_database"
    done = manage("compile_catalogues", env=env)
    assert done.returncode == 0, done.stderr[-2000:]
