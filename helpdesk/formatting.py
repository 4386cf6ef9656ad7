"""What the long lists' row values share (agent rows and conversation, the help center's
requests): words translated once per language and process, dates formatted once per
instant, language and time zone, and a page's link prefix reversed once. Printed as the
template filters would print them; the markup around them is in templates (issue 17),
these only give the values (50 rows × a dozen values through filters were most of a
list page's CPU, issue 8)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

_per_language: dict[tuple[str, str], dict[str, str]] = {}


def per_language(name: str, build: Callable[[], dict[str, str]]) -> dict[str, str]:
    """``build()`` (which translates) run once per language and ``name``."""
    key = (translation.get_language() or "", name)
    texts = _per_language.get(key)
    if texts is None:
        texts = _per_language[key] = build()
    return texts


@lru_cache(maxsize=4096)
def _datetime_label(value, language: str, zone, format_name: str) -> str:
    with translation.override(language), timezone.override(zone):
        return date_format(timezone.localtime(value), format_name, use_l10n=True)


def datetime_label(value, format_name: str = "DATETIME_FORMAT") -> str:
    """``{{ value|date:"DATETIME_FORMAT" }}`` in the active language and time zone: a pure
    function of the instant, the language and the zone, so each is formatted once."""
    if not value:
        return ""
    language = translation.get_language() or ""
    # The zone object itself (hashable), not its name: any tzinfo the page has active.
    return _datetime_label(value, language, timezone.get_current_timezone(), format_name)


def iso(value) -> str:
    """``{{ value|date:"c" }}`` for a datetime."""
    return timezone.localtime(value).isoformat() if value else ""


_NUMBER_SENTINEL = 987654321987


def number_url_prefix(viewname: str) -> str:
    """The part of ``reverse(viewname, args=[number])`` before the number, for a URL of
    the shape "<prefix><number>/": a list reverses once, then appends each number."""
    url = reverse(viewname, args=[_NUMBER_SENTINEL])
    if not url.endswith(f"{_NUMBER_SENTINEL}/"):
        raise ValueError(f"{viewname} is not of the shape <prefix><number>/: {url}")
    return url[: -len(f"{_NUMBER_SENTINEL}/")]
