"""Sign-in throttling: after repeated failures, an address (per account) and a client IP
(per account) must wait before trying again. Counted in the cache (Redis in production),
so every web worker sees the same counts."""

from __future__ import annotations

from django.core.cache import cache

MAX_FAILURES_PER_ADDRESS = 5
MAX_FAILURES_PER_CLIENT = 20
WINDOW_SECONDS = 15 * 60


def _keys(*, account_id: int | None, email: str, client_ip: str) -> list[tuple[str, int]]:
    prefix = f"signin-failures:{account_id or 'operators'}"
    return [
        (f"{prefix}:email:{email.strip().lower()}", MAX_FAILURES_PER_ADDRESS),
        (f"{prefix}:ip:{client_ip}", MAX_FAILURES_PER_CLIENT),
    ]


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is written by the client unless a proxy we trust
    # rewrites it, and a throttle keyed on it could be dodged by changing a header.
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def is_locked(*, account_id: int | None, email: str, client_ip: str) -> bool:
    return any(
        (cache.get(key) or 0) >= limit
        for key, limit in _keys(account_id=account_id, email=email, client_ip=client_ip)
    )


def record_failure(*, account_id: int | None, email: str, client_ip: str) -> None:
    for key, _limit in _keys(account_id=account_id, email=email, client_ip=client_ip):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, WINDOW_SECONDS)


def record_success(*, account_id: int | None, email: str) -> None:
    key, _limit = _keys(account_id=account_id, email=email, client_ip="")[0]
    cache.delete(key)
