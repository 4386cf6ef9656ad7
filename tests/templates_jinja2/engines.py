"""What the DTL-versus-Jinja2 tests share: one template rendered by both engines for a
response's context and request, and the HTML folded so that only real differences show."""

from __future__ import annotations

import re

from django.template import engines
from django.urls import set_urlconf
from django.utils import translation


def normalised(html: str) -> str:
    """Whitespace folded (none between tags) and the per-render CSRF masks replaced."""
    html = re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1…", html)
    return re.sub(r">\s+<", "><", " ".join(html.split()))


def view_context(response) -> dict:
    """The view's dict: a Jinja2 page has it as such, a DTL page as the first of a list."""
    contexts = response.context
    context = contexts if isinstance(contexts, dict) else contexts[0]
    assert isinstance(context, dict)
    return context


def both_engines(response, template_name: str, *, jinja_name: str = "", **extra) -> tuple[str, str]:
    """``template_name`` rendered by the DTL and the Jinja2 engine for the context and
    request of ``response``, in the response's language and the account's URLs; the
    Jinja2 template named ``jinja_name`` if given (a DTL partial, "page.html#part", is a
    template of its own in Jinja2)."""
    context = {**view_context(response), **extra}
    request = response.wsgi_request
    set_urlconf(getattr(request, "urlconf", None))  # the account's URLs, as in the request
    try:
        with translation.override(response.headers["Content-Language"]):
            dtl = engines["django"].get_template(template_name).render(dict(context), request)
            jinja = (
                engines["jinja2"]
                .get_template(jinja_name or template_name)
                .render(dict(context), request)
            )
    finally:
        set_urlconf(None)
    return normalised(dtl), normalised(jinja)
