"""Sign-in throttling: keyed by address *and* client, the client found through the trusted
proxies only, a slower backoff per address from anywhere, the lock explained with its
end, and counted in the database so Redis being down changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import signin_throttle
from accounts.models import SignInFailure

WRONG = "wrong-password"
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def sign_in(client, email, password, *, via=None, remote="10.0.0.1"):
    """A sign-in from ``remote`` (the peer: our proxy, when ``via`` is given) with
    ``via`` as the X-Forwarded-For header it sends."""
    extra = {"REMOTE_ADDR": remote}
    if via is not None:
        extra["HTTP_X_FORWARDED_FOR"] = via
    return client.post("/signin/", {"username": email, "password": password}, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_failures_from_one_client_lock_that_client_out_and_say_until_when(
    acme, acme_agent, password, client_for
):
    client = client_for(account=acme)
    for _ in range(5):
        assert not signed_in(sign_in(client, acme_agent.email, WRONG))
    response = sign_in(client, acme_agent.email, password)
    assert not signed_in(response)
    assert "Too many failed sign-ins for this address. Try again after" in response.text
    assert "_auth_user_id" not in client.session
    # The account's time zone (UTC here), the minute after the lock ends.
    ends = {(timezone.now() + dt.timedelta(minutes=m)).strftime("%H:%M") for m in (15, 16, 17)}
    assert any(f"after {end}" in response.text for end in ends)


def test_an_attacker_behind_the_proxy_does_not_lock_the_real_user_out(
    acme, acme_admin, password, client_for, behind_one_proxy
):
    """Both come through the TLS proxy (one REMOTE_ADDR); the header tells them apart."""
    attacker, user = client_for(account=acme), client_for(account=acme)
    for _ in range(8):
        sign_in(attacker, acme_admin.email, WRONG, via="198.51.100.7", remote="10.0.0.2")
    assert "Too many" in sign_in(attacker, acme_admin.email, password, via="198.51.100.7").text
    response = sign_in(user, acme_admin.email, password, via="203.0.113.20", remote="10.0.0.2")
    assert signed_in(response)


def test_without_trusted_proxies_a_spoofed_forwarded_for_changes_nothing(
    acme, acme_agent, password, client_for
):
    client = client_for(account=acme)
    for n in range(5):
        sign_in(client, acme_agent.email, WRONG, via=f"192.0.2.{n}")
    response = sign_in(client, acme_agent.email, password, via="192.0.2.99")
    assert "Too many failed sign-ins" in response.text


def test_only_the_rightmost_trusted_hops_are_believed(
    acme, acme_agent, password, client_for, settings
):
    """With two proxies, the client is the second entry from the right; whatever the
    client wrote to the left of it does not make a new client."""
    settings.TRUSTED_PROXY_COUNT = 2
    client = client_for(account=acme)
    for n in range(5):
        sign_in(client, acme_agent.email, WRONG, via=f"192.0.2.{n}, 198.51.100.7, 10.0.0.9")
    locked = sign_in(client, acme_agent.email, password, via="6.6.6.6, 198.51.100.7, 10.0.0.9")
    assert "Too many failed sign-ins" in locked.text
    other = sign_in(client, acme_agent.email, password, via="198.51.100.8, 10.0.0.9")
    assert signed_in(other)


def test_too_few_forwarded_hops_fall_back_to_the_peer(
    acme, acme_agent, password, client_for, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    client = client_for(account=acme)
    for n in range(5):
        sign_in(client, acme_agent.email, WRONG, via=f"192.0.2.{n}", remote="10.0.0.5")
    assert "Too many" in sign_in(client, acme_agent.email, password, remote="10.0.0.5").text


def test_many_failures_from_one_network_lock_it_out_for_every_address(
    acme, acme_agent, password, client_for, behind_one_proxy
):
    client = client_for(account=acme)
    for n in range(20):
        sign_in(client, f"guess{n}@acme.example", WRONG, via="198.51.100.7")
    response = sign_in(client, acme_agent.email, password, via="198.51.100.7")
    assert "Too many failed sign-ins from this network. Try again after" in response.text
    assert signed_in(sign_in(client, acme_agent.email, password, via="198.51.100.8"))


def test_an_ipv6_client_is_counted_by_its_network(
    acme, acme_agent, password, client_for, behind_one_proxy
):
    client = client_for(account=acme)
    for n in range(5):
        sign_in(client, acme_agent.email, WRONG, via=f"2001:db8:1:2::{n + 1}")
    assert "Too many" in sign_in(client, acme_agent.email, password, via="2001:db8:1:2::ff").text
    assert signed_in(sign_in(client, acme_agent.email, password, via="2001:db8:1:3::1"))


def test_guessing_from_many_clients_slows_the_address_down_for_minutes(
    acme, acme_agent, password, client_for, behind_one_proxy
):
    client = client_for(account=acme)
    for n in range(10):
        sign_in(client, acme_agent.email, WRONG, via=f"198.51.100.{n}")
    # From a client with no failures of its own, the address now waits a minute.
    response = sign_in(client, acme_agent.email, password, via="203.0.113.1")
    assert "Too many failed sign-ins for this address" in response.text
    attempt = signin_throttle.Attempt.of(
        account_id=acme.pk, email=acme_agent.email, client="203.0.113.1"
    )
    lockout = signin_throttle.lockout_for(attempt)
    assert dt.timedelta(0) < lockout.until - timezone.now() <= dt.timedelta(minutes=1)
    later = signin_throttle.lockout_for(attempt, now=timezone.now() + dt.timedelta(minutes=2))
    assert later is None


def test_the_backoff_grows_and_stops_at_a_quarter_of_an_hour(acme):
    attempt = signin_throttle.Attempt.of(account_id=acme.pk, email="x@acme.example", client="")
    now = timezone.now()
    waits = []
    for n in range(15):
        other = signin_throttle.Attempt(attempt.address_key, f"client-{n}")
        SignInFailure.objects.create(
            address_key=other.address_key, client_key=other.client_key, created_at=now
        )
        lockout = signin_throttle.lockout_for(attempt, now=now)
        waits.append(lockout and round((lockout.until - now).total_seconds() / 60))
    assert waits[8:] == [None, 1, 2, 4, 8, 15, 15]


def test_a_lock_ends_when_its_oldest_failure_leaves_the_window(acme):
    attempt = signin_throttle.Attempt.of(account_id=acme.pk, email="x@acme.example", client="c")
    start = timezone.now() - dt.timedelta(minutes=14)
    for n in range(5):
        SignInFailure.objects.create(
            address_key=attempt.address_key,
            client_key=attempt.client_key,
            created_at=start + dt.timedelta(minutes=n),
        )
    lockout = signin_throttle.lockout_for(attempt)
    assert lockout.until == start + dt.timedelta(minutes=15)
    assert signin_throttle.lockout_for(attempt, now=lockout.until) is None


def test_the_lock_is_explained_in_the_readers_language_and_time_zone(
    acme, acme_agent, password, client_for
):
    acme.time_zone = "Asia/Kolkata"  # +05:30: no hour of UTC shows its minutes
    acme.save()
    client = client_for(account=acme)
    for _ in range(5):
        sign_in(client, acme_agent.email, WRONG)
    response = client.post(
        "/signin/",
        {"username": acme_agent.email, "password": password},
        HTTP_ACCEPT_LANGUAGE="it",
        REMOTE_ADDR="10.0.0.1",
    )
    assert "Troppi accessi non riusciti" in response.text
    kolkata = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    shown = {(kolkata + dt.timedelta(minutes=m)).strftime("%H:%M") for m in (15, 16, 17)}
    assert any(t in response.text for t in shown)


def test_failures_are_kept_as_digests_only(acme, acme_agent, client_for):
    sign_in(client_for(account=acme), acme_agent.email, WRONG, remote="198.51.100.7")
    row = SignInFailure.objects.get()
    assert acme_agent.email not in (row.address_key + row.client_key)
    assert "198.51.100.7" not in row.client_key


def test_sign_in_works_and_still_throttles_while_redis_is_down(
    acme, acme_agent, password, client_for, settings
):
    settings.CACHES = DEAD_REDIS
    client = client_for(account=acme)
    assert signed_in(sign_in(client, acme_agent.email, password))
    client = client_for(account=acme)
    for _ in range(5):
        assert sign_in(client, acme_agent.email, WRONG).status_code == 200
    assert "Too many failed sign-ins" in sign_in(client, acme_agent.email, password).text


def test_the_operators_admin_sign_in_is_throttled_too(db, password):
    from django.test import Client

    from accounts.models import User

    User.objects.create_superuser(email="ops@platform.example", password=password)
    client = Client(HTTP_HOST="localhost")
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": "ops@platform.example", "password": WRONG}
        )
        assert response.status_code == 200
    response = client.post(
        "/admin/login/", {"username": "ops@platform.example", "password": password}
    )
    assert "Too many failed sign-ins for this address" in response.text
    assert "_auth_user_id" not in client.session
