"""Per-account rate limit: every caller of one account shares one budget, as at Zendesk.

The rate comes from ``settings.API_RATE_LIMIT`` (default 700 requests a minute), read at
request time so deployments and tests can change it."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATE = "700/min"


class AccountRateThrottle(SimpleRateThrottle):
    scope = "account"

    def __init__(self):
        # SimpleRateThrottle reads its rate once, from DRF settings; ours is live.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self):
        return getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        account = getattr(request._request, "account", None)
        if account is None:
            return None
        return f"api-throttle:{account.pk}"
