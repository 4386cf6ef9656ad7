"""What every agent page shares: who may open it, and where to go back to."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import compiled
from accounts.access import require_admin, require_agent
from accounts.models import User
from tickets.models import View
from tickets.view_selectors import views_for_agent


def agent_view(view):
    """Agent pages: sign-in required; end users get the same 404 as a missing page."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_agent(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def admin_view(view):
    """Settings pages: admins only (403 for agents, 404 for end users)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_admin(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def safe_next(request: HttpRequest, default: str) -> str:
    """The ?next= / next field when it points back into this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def agent_views(request: HttpRequest) -> list:
    """The signed-in agent's active views (views_for_agent), read once per request: the
    page and its sidebar share them; the query compiled once per agent and process
    (accounts.compiled: its subqueries cost ~2 ms of CPU to build each time)."""
    cached = getattr(request, "_agent_views", None)
    if cached is None:
        user = request.user
        cached = (
            compiled.rows(
                View,
                ("views_for_agent", user.account_id, user.pk, user.role),
                lambda: views_for_agent(viewer=user),
            )
            if isinstance(user, User)
            else []
        )
        request._agent_views = cached  # type: ignore[attr-defined]  # a per-request memo
    return cached
