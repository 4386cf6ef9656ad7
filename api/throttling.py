"""Per-account rate limit: every caller of one account shares one budget, as at Zendesk.

The rate comes from ``settings.API_RATE_LIMIT`` (default 700 requests a minute), read at
request time so deployments and tests can change it. Counted in the shared cache; while
it is unreachable the limit is not applied (a warning is logged per request) rather than
every call failing."""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from helpdesk.shared_cache import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

DEFAULT_RATE = "700/min"


class AccountRateThrottle(SimpleRateThrottle):
    scope = "account"

    def __init__(self):
        # SimpleRateThrottle reads its rate once, from DRF settings; ours is live.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_UNAVAILABLE as exc:
            logger.warning("API rate limit not applied: the cache is unavailable (%s)", exc)
            return True

    def get_rate(self):
        return getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        account = getattr(request._request, "account", None)
        if account is None:
            return None
        return f"api-throttle:{account.pk}"
