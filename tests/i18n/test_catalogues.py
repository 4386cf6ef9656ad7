"""The Italian and Spanish catalogues are complete, faithful to their placeholders, and
up to date with the source: a string added or changed in code or templates without
``make messages`` and a translation fails here."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings

from accounts.management.commands.update_catalogues import (
    TRANSLATED_LANGUAGES,
    update_catalogues,
)

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(
    po for language in TRANSLATED_LANGUAGES for po in (LOCALE / language).rglob("*.po")
)
# What a translation must carry over unchanged: %(name)s and %s formats, {{ placeholders }}
# of trigger texts and blocktranslate variables, {name} formats, and HTML tags.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{\{\s*[a-z_.]+\s*\}\}|\{[a-z_]*\}|</?[a-z]+\b")


def entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def label(po_path: Path) -> str:
    return str(po_path.relative_to(LOCALE))


def test_every_language_we_offer_has_a_catalogue():
    for language in TRANSLATED_LANGUAGES:
        assert (LOCALE / language / "LC_MESSAGES" / "django.po").exists(), language


@pytest.mark.parametrize("po_path", CATALOGUES, ids=label)
def test_catalogue_is_complete_and_not_fuzzy(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    half_plural = [
        e.msgid for e in entries(po) if e.msgid_plural and not all(e.msgstr_plural.values())
    ]
    obsolete = [e.msgid for e in po.obsolete_entries()]
    assert not untranslated, f"{label(po_path)}: untranslated: {untranslated}"
    assert not fuzzy, f"{label(po_path)}: fuzzy (check, then drop the flag): {fuzzy}"
    assert not half_plural, f"{label(po_path)}: plural forms missing: {half_plural}"
    assert not obsolete, f"{label(po_path)}: obsolete entries left: {obsolete}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=label)
def test_translations_keep_every_placeholder(po_path):
    wrong = []
    for entry in entries(polib.pofile(str(po_path))):
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in filter(None, translations):  # untranslated: the test above says so
            # A plural's singular may say "one" instead of %(count)s; nothing else may go.
            found = sorted(PLACEHOLDER.findall(text))
            if entry.msgid_plural and set(found) <= set(expected) and found:
                continue
            if found != expected:
                wrong.append(f"{entry.msgid!r} → {text!r}")
    assert not wrong, f"{label(po_path)}: placeholders differ:\n" + "\n".join(wrong)


def _msgids(po_path: Path) -> set[tuple[str, str, str]]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural) for e in entries(polib.pofile(str(po_path)))}


def test_catalogues_match_the_source(tmp_path, settings, monkeypatch):
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        message = "GNU gettext (xgettext, msgmerge) is missing: apt-get install gettext"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must check the catalogues", pytrace=False)
        pytest.skip(message)
    # makemessages writes to the "locale" folder beside the sources it reads: give it the
    # sources (linked) beside a copy of locale/, so the real catalogues stay untouched.
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in ("locale", ".git", ".venv") and not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    fresh = tmp_path / "locale"
    shutil.copytree(LOCALE, fresh, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [fresh]
    monkeypatch.chdir(tmp_path)
    update_catalogues(verbosity=0, symlinks=True)
    stale = []
    for po_path in CATALOGUES:
        ours, source = _msgids(po_path), _msgids(fresh / po_path.relative_to(LOCALE))
        if ours != source:
            added = sorted(m[1] for m in source - ours)
            removed = sorted(m[1] for m in ours - source)
            stale.append(f"{label(po_path)}: new in the source {added}, gone {removed}")
    assert not stale, "Run `make messages` and translate:\n" + "\n".join(stale)
