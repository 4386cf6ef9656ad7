"""The sessions a user is signed in with: recorded at sign-in, listed on their security
page, ended by them, by an admin ("sign out everywhere") or by a password change.

A row per session, keyed by the session store's key; ending one deletes the store's entry
through ``SessionStore`` (whichever SESSION_ENGINE is configured: database, cache or
both), so the next request with that cookie is anonymous. Last seen is refreshed at most
every ``SEEN_EVERY`` (the time is kept in the session too, so a request in between costs
no query).
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.identity_models import AuditEntry, UserSession
from accounts.models import User
from helpdesk.client_address import client_address

SEEN_EVERY = dt.timedelta(minutes=5)
SEEN_KEY = "_sportello_seen"


def _store(session_key: str) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def sessions_of(user: User) -> QuerySet[UserSession]:
    """The user's sessions, the most recently seen first."""
    return (
        UserSession.objects.for_account(user.account)
        .filter(user=user)
        .order_by("-last_seen_at", "-id")
    )


@receiver(user_logged_in, dispatch_uid="user_session_record")
def _record(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    account = user.account
    key = request.session.session_key if request is not None else None
    if request is None or account is None or not key:
        return
    now = timezone.now()
    # Sessions unseen for longer than a session lives have expired in the store: forgotten.
    stale = now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    UserSession.objects.for_account(account).filter(user=user, last_seen_at__lt=stale).delete()
    UserSession.objects.for_account(account).update_or_create(
        session_key=key,
        defaults={
            "account": account,
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "ip": client_address(request)[:45],
            "last_seen_at": now,
        },
    )
    request.session[SEEN_KEY] = now.isoformat()


@receiver(user_logged_out, dispatch_uid="user_session_forget")
def _forget(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if request is None or user is None or user.account_id is None:
        return
    key = request.session.session_key
    if key:
        UserSession.objects.for_account(user.account).filter(session_key=key).delete()


def session_seen(request: HttpRequest) -> None:
    """Refresh the current session's last seen time, if it is older than SEEN_EVERY."""
    user = request.user
    if not isinstance(user, User) or user.account_id is None:
        return
    now = timezone.now()
    seen = request.session.get(SEEN_KEY)
    try:
        fresh = seen is not None and now - dt.datetime.fromisoformat(seen) < SEEN_EVERY
    except (TypeError, ValueError):
        fresh = False
    if fresh or not request.session.session_key:
        return
    UserSession.objects.for_account(user.account).filter(
        session_key=request.session.session_key, user=user
    ).update(last_seen_at=now)
    request.session[SEEN_KEY] = now.isoformat()


def session_rekeyed(*, user: User, old_key: str | None, new_key: str | None) -> None:
    """The session store gave this session a new key (after a password change)."""
    if old_key and new_key and old_key != new_key:
        sessions_of(user).filter(session_key=old_key).update(session_key=new_key)


def _end(sessions: QuerySet[UserSession]) -> int:
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        _store(key).delete(key)
    sessions.delete()
    return len(keys)


@transaction.atomic
def session_revoke(*, user: User, session_id: int) -> bool:
    """The user ends one of their own sessions (another device). False if not theirs."""
    return _end(sessions_of(user).filter(pk=session_id)) > 0


@transaction.atomic
def sessions_end_others(*, user: User, keep_session_key: str | None) -> int:
    """Every session of the user but ``keep_session_key`` ends (a password change)."""
    sessions = sessions_of(user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    return _end(sessions)


@transaction.atomic
def user_sign_out_everywhere(*, user: User, actor: User) -> int:
    """An admin signs a user out of every session they have."""
    if not (actor.is_admin and actor.account_id == user.account_id and user.account_id):
        raise PermissionDenied
    ended = _end(sessions_of(user))
    audit_record(
        account=user.account,  # type: ignore[arg-type]  # checked above
        actor=actor,
        action=AuditEntry.Action.SIGNED_OUT,
        target=user,
        changes={"sessions": [ended, 0]},
    )
    return ended
