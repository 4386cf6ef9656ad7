"""A name's translations as inputs of an admin's form (issue 19: field titles, option
titles and form names per language): one input a language the product speaks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def add_translation_inputs(form: forms.BaseForm, translations: dict, *, label: Any) -> None:
    for code, language in settings.LANGUAGES:
        name = f"title_{code}"
        form.fields[name] = forms.CharField(
            label=_("%(what)s in %(language)s") % {"what": label, "language": language},
            required=False,
            max_length=200,
        )
        if isinstance(translations, dict) and isinstance(translations.get(code), str):
            form.initial[name] = translations[code]


def translation_inputs(form: forms.BaseForm) -> list:
    return [form[f"title_{code}"] for code, _language in settings.LANGUAGES]


def translations_from(form: forms.BaseForm, current: dict) -> dict:
    """The translations typed (an empty input drops its language; a language the product
    no longer speaks is kept as it was)."""
    result = dict(current) if isinstance(current, dict) else {}
    for code, _language in settings.LANGUAGES:
        value = (form.cleaned_data.get(f"title_{code}") or "").strip()
        if value:
            result[code] = value
        else:
            result.pop(code, None)
    return result
