"""The API's rate limit is one budget however many processes count into it at once:
another process's whole request may fall between any two of this one's steps on the
shared cache, and neither request is lost from the count (README, "Scaling")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from api.throttling import AccountRateThrottle


class Interleaving:
    """The shared cache, where another process's request runs right after this
    process's ``step``-th operation (its read, its write...)."""

    def __init__(self, step: int, other):
        self.step, self.other, self.done = step, other, 0

    def __getattr__(self, name):
        operation = getattr(cache, name)

        def interleaved(*args, **kwargs):
            result = operation(*args, **kwargs)
            self.done += 1
            if self.done == self.step:
                self.other()
            return result

        return interleaved


def request_for(account):
    return SimpleNamespace(_request=SimpleNamespace(account=account))


def allowed(account, cache_in_use=cache) -> bool:
    throttle = AccountRateThrottle()
    throttle.cache = cache_in_use
    return throttle.allow_request(request_for(account), view=None)


# A request takes four steps when it opens its account's window (read its start, open
# it, add the counter, increment it) and three in an open one.
@pytest.mark.parametrize("opened", [False, True])
@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_request_between_any_two_steps_of_another_is_counted(acme, settings, step, opened):
    settings.API_RATE_LIMIT = "3/hour" if opened else "2/hour"
    cache.clear()
    if opened:
        assert allowed(acme)
    if opened and step == 4:
        step = 3
    others: list[bool] = []
    first = allowed(acme, Interleaving(step, lambda: others.append(allowed(acme))))
    assert first
    assert others == [True]  # each counted once: the budget is spent
    assert not allowed(acme)


def test_retry_after_counts_down_to_the_end_of_the_window_the_first_request_opened(acme, settings):
    settings.API_RATE_LIMIT = "1/hour"
    cache.clear()
    throttle = AccountRateThrottle()
    now = [1000.0]
    throttle.timer = lambda: now[0]
    request = request_for(acme)
    assert throttle.allow_request(request, None)
    now[0] += 10
    assert not throttle.allow_request(request, None)
    assert throttle.wait() == pytest.approx(3590)
