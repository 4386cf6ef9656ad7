"""A socket lives as long as the page, a session may not: when a session ends, the
sockets opened under it must stop hearing what its user could hear.

Each socket of a signed-in user joins its session's group (``session_group``: a keyed
digest of the session key, so Redis, logs and the channel layer never hold the key
itself). A session ends, and ``session_ended`` rings that group after commit, when:

- its user signs out (``user_logged_out``, sent before Django flushes the session);
- its row in ``accounts.UserSession`` is deleted: signed out from another device, by an
  admin's "sign out everywhere", by a password change elsewhere (every session but the
  changing one ends: ``accounts.user_sessions``), or at sign-out again (a second bell
  costs nothing).

The socket then leaves every topic and closes with ``CLOSE_SESSION_ENDED``; the page's
script reconnects with the cookie it now has, anonymous, and subscribes again to what an
anonymous visitor may hear. What no bell announces (a password reset by email, a session
expired in its store, a user deactivated or moved out of a group) the consumer finds by
checking its user and topic again when a doorbell rings (``realtime.consumers``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from accounts.identity_models import UserSession
from realtime.publish import send_after_commit

# Not 44xx: the page's script reconnects (static/js/realtime.js), with its new cookie.
CLOSE_SESSION_ENDED = 4001
EVENT_TYPE = "realtime.session_ended"


def session_group(session_key: str) -> str:
    """The channel layer's group of the sockets opened under ``session_key``."""
    digest = salted_hmac("realtime.session_group", session_key, algorithm="sha256")
    return f"s.{digest.hexdigest()[:40]}"


def session_ended(session_key: str | None) -> None:
    """Close the sockets of ``session_key`` once the current transaction commits."""
    if not session_key:
        return
    send_after_commit(session_group(session_key), {"type": EVENT_TYPE})


@receiver(user_logged_out, dispatch_uid="realtime_session_signed_out")
def _signed_out(sender: Any, request: Any = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    session_ended(getattr(session, "session_key", None))


@receiver(post_delete, sender=UserSession, dispatch_uid="realtime_session_ended")
def _session_row_deleted(sender: Any, instance: UserSession, **kwargs: Any) -> None:
    session_ended(instance.session_key)
