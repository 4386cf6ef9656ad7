"""Per-account rate limit: every caller of one account shares one budget, as at Zendesk.

The rate comes from ``settings.API_RATE_LIMIT`` (default 700 requests a minute), read at
request time so deployments and tests can change it. Counted in the shared cache; while
it is unreachable the limit is not applied (a warning is logged per request) rather than
every call failing.

Counted with the cache's atomic increment, in a window that opens with the account's
first request and lasts the rate's period, because every web process of every machine
counts into the same budget at once (README, "Scaling"). DRF's own throttle reads the
list of recent requests, appends one and writes it back: two processes doing that at
the same moment both read the same list and one request is lost from the count, so
under load across N processes the limit let through more than its rate.
"""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from helpdesk.shared_cache import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

DEFAULT_RATE = "700/min"
# The counter outlives its window by this much, so it never expires while still counted
# into (it is read only while the window's start is in the cache).
COUNTER_GRACE_SECONDS = 60


class AccountRateThrottle(SimpleRateThrottle):
    scope = "account"

    def __init__(self):
        # SimpleRateThrottle reads its rate once, from DRF settings; ours is live.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.window_ends = 0.0

    def allow_request(self, request, view):
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        try:
            return self._count() <= self.num_requests
        except CACHE_UNAVAILABLE as exc:
            logger.warning("API rate limit not applied: the cache is unavailable (%s)", exc)
            return True

    def _count(self) -> int:
        """This request's place in its account's current window (1 for the first)."""
        self.now = self.timer()
        started = self._window_start()
        self.window_ends = started + self.duration
        counter = f"{self.key}:{started!r}"
        self.cache.add(counter, 0, self.duration + COUNTER_GRACE_SECONDS)
        try:
            return int(self.cache.incr(counter))
        except ValueError:  # evicted between add and incr (a full cache): count afresh
            self.cache.add(counter, 1, self.duration + COUNTER_GRACE_SECONDS)
            return 1

    def _window_start(self) -> float:
        """The start of the account's current window, opening one if there is none. When
        two processes open one at once, ``add`` lets one win and both use its start."""
        started = self.cache.get(self.key)
        if started is None and not self.cache.add(self.key, self.now, self.duration):
            started = self.cache.get(self.key)
        return self.now if started is None else float(started)

    def wait(self):
        """Seconds until the window ends and the budget is whole again."""
        return max(self.window_ends - self.timer(), 1.0)

    def get_rate(self):
        return getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        account = getattr(request._request, "account", None)
        if account is None:
            return None
        return f"api-throttle:{account.pk}"
