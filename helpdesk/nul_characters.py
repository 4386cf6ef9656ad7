"""NUL characters (U+0000) never reach PostgreSQL, which cannot store them in text and
answers a query carrying one with an error (a 500, were it let through).

No one types a NUL, so a request carrying one is refused whole, with a 400 that says why,
before any view runs — one rule for every page, including the inputs that do not go
through a form (search words, filters, sorts, pickers). Forms would refuse it too
(Django's CharField has ProhibitNullCharactersValidator); this is the net under all.

- Pages: the path, the query string and form fields (``NulCharacterMiddleware.process_view``,
  after the URL is resolved). Uploaded files' names need nothing: Django's multipart
  parser drops unprintable characters from them.
- Cookies: a cookie holding a NUL is dropped, as if never sent (a session key with one
  would otherwise fail its lookup); refusing would lock its owner out of every page.
- The API (token-authenticated, CSRF-exempt) answers in its own JSON shapes: query
  strings in ``api.views.base.ApiView.initial``, JSON bodies in ``api.parsers``,
  credentials in ``api.authentication``.
- Inbound email (the ESP webhooks, CSRF-exempt too): an email is never refused, its
  NULs are dropped as it is read (``notifications.inbound``).
"""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

NUL = "\x00"


def has_nul(*values: str) -> bool:
    return any(NUL in value for value in values)


def _in_query_dict(data) -> bool:
    return any(has_nul(key, *values) for key, values in data.lists())


def request_has_nul(request: HttpRequest) -> bool:
    if has_nul(request.path) or _in_query_dict(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    # Read here as CsrfViewMiddleware reads them anyway for every page's POST.
    return _in_query_dict(request.POST)


def nul_refused(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("request_nul.html", request=request), status=400)


def refuse_nul(view):
    """The middleware's refusal for a CSRF-exempt page that is not the API (which the
    middleware skips): the SAML assertion consumer, posted by an identity provider."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request_has_nul(request):
            return nul_refused(request)
        return view(request, *args, **kwargs)

    return wrapped


class NulCharacterMiddleware:
    """After the tenant and size-limit middleware (a multipart body is read here,
    within the account's limits), before the session middleware (which reads the cookies)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        for name, value in list(request.COOKIES.items()):
            if has_nul(name, value):
                del request.COOKIES[name]
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "csrf_exempt", False):
            return None  # the API and the ESP webhooks: see the module's docstring
        if request_has_nul(request):
            return nul_refused(request)
        return None
