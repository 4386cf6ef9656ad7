"""Project-level error pages that every part of the product shares."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

# Fields never echoed back, whatever form they come from.
SECRET_FIELDS = {"csrfmiddlewaretoken", "password", "password1", "password2"}
MAX_ECHOED_FIELDS = 10


def csrf_failure(request, reason: str = ""):
    """A stale or foreign form (expired CSRF token, signed out in another tab): nothing
    was saved, and the text the person typed is shown back so that nothing is lost."""
    typed = []
    for name, values in request.POST.lists():
        if name in SECRET_FIELDS or "password" in name:
            continue
        text = "\n".join(v for v in values if v.strip())
        if text:
            typed.append((name, text))
        if len(typed) == MAX_ECHOED_FIELDS:
            break
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return render(request, "csrf_failure.html", {"typed": typed, "back_url": back}, status=403)
