"""What ``/hc/`` shows an anonymous visitor (issue 25): the help center's public home when
an app above the portal offers one (the knowledge base registers its home for accounts
that have public articles, knowledge.apps), else nothing, and the visitor is sent to
sign in as before. The portal does not import those apps (the layers): they register."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PublicHome = Callable[[HttpRequest], HttpResponse | None]
_homes: list[PublicHome] = []


def register(home: PublicHome) -> None:
    """``home(request)`` answers an anonymous visitor's ``/hc/``, or None to pass."""
    if home not in _homes:
        _homes.append(home)


def respond(request: HttpRequest) -> HttpResponse | None:
    for home in _homes:
        response = home(request)
        if response is not None:
            return response
    return None
