"""The Spanish catalogue speaks in one register, formal "usted", as the Spanish seeds do
(../shared/seeds: "Pase el mouse…", "haga clic…", "su cuenta"): their wording is the
UI's. It mixed "tú" and "usted" ("Inténtalo de nuevo" beside "Inténtelo de nuevo", "tu
contraseña" beside "su contraseña"). Fails on the unmistakable marks of "tú": its
pronouns and possessives, its present-tense verbs, and its imperatives opening a
sentence (words that are also nouns, such as "Prueba" or "Copia", are left out)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
TU_WORDS = re.compile(
    r"\b(tú|tu|tus|te|contigo|tuyo|tuya|puedes|tienes|quieres|debes|estás|eres|necesitas|"
    r"podrás|recibirás|verás)\b",
    re.IGNORECASE,
)
TU_IMPERATIVES = re.compile(
    r"(?:^|[.:;?!]\s+|\n)(Elige|Escribe|Introduce|Inténtalo|Indica|Añade|Haz|Revisa|"
    r"Selecciona|Pulsa|Empieza|Rellena|Registra|Vuelve a|Configúralo|Déjalo|Dale)\b"
)


def test_the_spanish_catalogue_says_usted_throughout():
    found = []
    for entry in polib.pofile(str(CATALOGUE)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            marks = [m.group(0) for m in TU_WORDS.finditer(text)]
            marks += [m.group(1) for m in TU_IMPERATIVES.finditer(text)]
            if marks:
                found.append(f"{entry.msgid!r}: {marks} in {text!r}")
    assert not found, "Spanish in 'tú' (the seeds say 'usted'):\n" + "\n".join(found)
