"""Sign-in throttling, keyed so that an attacker elsewhere cannot keep the real user out.

Three limits, each within one account (operators on the base domain count apart):

- an address *from one client* (as django-axes's username + IP combination): 5 failures
  within 15 minutes, and that address from that client waits until the oldest of them
  is 15 minutes old. Someone guessing from elsewhere locks only themselves out;
- one client, whatever the addresses (credential stuffing): 20 failures within
  15 minutes, the same way;
- an address from anywhere (guessing spread over many clients): a slower backoff. From
  the 10th failure within an hour, each further try waits after the latest failure
  1, 2, 4, 8, then 15 minutes. It slows a distributed guesser to a few tries an hour
  while a user under such an attack waits minutes, not a quarter of an hour per 5 tries.

The client is its IP address (an IPv6 client: its /64) as ``helpdesk.client_address``
finds it through ``TRUSTED_PROXY_COUNT`` proxies, so behind the TLS proxy every
visitor is not one client. A try while locked is refused before the password is
checked (a locked address is no password oracle) and is not counted.

Failures are rows in the database (``SignInFailure``), not cache entries: a Redis outage
neither stops sign-in nor lifts a lockout. Sign-in is rare; the checks are three indexed
queries over at most the last hour's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import SignInFailure

MAX_FAILURES_PER_ADDRESS_AND_CLIENT = 5
MAX_FAILURES_PER_CLIENT = 20
WINDOW = dt.timedelta(minutes=15)
ADDRESS_BACKOFF_AFTER = 10
ADDRESS_WINDOW = dt.timedelta(hours=1)
ADDRESS_BACKOFF_MAX = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Lockout:
    """Why sign-in is refused (``"address"`` or ``"client"``) and until when."""

    reason: str
    until: dt.datetime


@dataclass(frozen=True)
class Attempt:
    """Who is trying: digests of the account with the address, and with the client."""

    address_key: str
    client_key: str

    @classmethod
    def of(cls, *, account_id: int | None, email: str, client: str) -> Attempt:
        scope = str(account_id or "operators")
        return cls(
            address_key=_digest("address", f"{scope}:{email.strip().lower()}"),
            client_key=_digest("client", f"{scope}:{client}"),
        )


def _digest(kind: str, value: str) -> str:
    # Keyed: the table holds no address anyone typed, not even one a dictionary recovers.
    return salted_hmac(f"sportello.signin_throttle.{kind}", value, algorithm="sha256").hexdigest()


def _nth_latest(qs: QuerySet[Any], n: int) -> dt.datetime | None:
    """The time of the n-th most recent failure in ``qs``, if there are n."""
    times = list(qs.order_by("-created_at").values_list("created_at", flat=True)[n - 1 : n])
    return times[0] if times else None


def lockout_for(attempt: Attempt, *, now: dt.datetime | None = None) -> Lockout | None:
    """The lockout in force for this attempt (the one ending last), or None."""
    now = now or timezone.now()
    recent = SignInFailure.objects.filter(created_at__gt=now - WINDOW)
    locks = []
    fifth = _nth_latest(
        recent.filter(address_key=attempt.address_key, client_key=attempt.client_key),
        MAX_FAILURES_PER_ADDRESS_AND_CLIENT,
    )
    if fifth is not None:
        locks.append(Lockout("address", fifth + WINDOW))
    twentieth = _nth_latest(recent.filter(client_key=attempt.client_key), MAX_FAILURES_PER_CLIENT)
    if twentieth is not None:
        locks.append(Lockout("client", twentieth + WINDOW))
    anywhere = list(
        SignInFailure.objects.filter(
            address_key=attempt.address_key, created_at__gt=now - ADDRESS_WINDOW
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: ADDRESS_BACKOFF_AFTER + 4]
    )
    if len(anywhere) >= ADDRESS_BACKOFF_AFTER:
        wait = min(
            dt.timedelta(minutes=2 ** (len(anywhere) - ADDRESS_BACKOFF_AFTER)), ADDRESS_BACKOFF_MAX
        )
        locks.append(Lockout("address", anywhere[0] + wait))
    locks = [lock for lock in locks if lock.until > now]
    return max(locks, key=lambda lock: lock.until, default=None)


def record_failure(attempt: Attempt) -> None:
    SignInFailure.objects.create(address_key=attempt.address_key, client_key=attempt.client_key)
    # Rows past every window count for nothing; the table stays an hour's failures long.
    SignInFailure.objects.filter(created_at__lte=timezone.now() - ADDRESS_WINDOW).delete()


def record_success(attempt: Attempt) -> None:
    """The user's own typos from this client are forgiven. Failures from elsewhere stay:
    signing in must not hand a guesser a fresh budget."""
    SignInFailure.objects.filter(
        address_key=attempt.address_key, client_key=attempt.client_key
    ).delete()
