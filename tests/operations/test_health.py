"""/healthz and /readyz: answered on any host for the operators' network or the token,
JSON naming what failed, 200 or 503; with each dependency down in turn."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from notifications.models import Delivery
from tests.broker import broker_at, broker_down
from tests.operations.conftest import CLOSED_PORT_REDIS, OUTSIDE, answers_in_a_process

HOSTS = ["acme.localhost", "localhost", "10.0.0.5:8000"]  # tenant, base domain, bare IP


def readiness(client, **extra):
    response = client.get("/readyz", HTTP_HOST="acme.localhost", **extra)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize("host", HOSTS)
def test_healthz_answers_on_every_host_without_an_account(operator, host, db):
    response = operator.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.parametrize("host", HOSTS)
def test_readyz_answers_on_every_host_and_all_is_well(operator, host, acme):
    response = operator.get("/readyz", HTTP_HOST=host)
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "migrations", "cache", "broker", "outbox"}


def test_healthz_touches_no_database(operator):
    # No `db` fixture: pytest-django refuses any database access in this test.
    assert operator.get("/healthz", HTTP_HOST="acme.localhost").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
@pytest.mark.parametrize("host", ["acme.localhost", "localhost"])
def test_outside_the_operators_network_they_are_an_unknown_path(outsider, acme, path, host):
    response = outsider.get(path, HTTP_HOST=host)
    unknown = outsider.get("/no-such-path", HTTP_HOST=host)
    assert response.status_code == unknown.status_code == 404
    assert b"status" not in response.content and b"sportello_" not in response.content


def test_behind_a_proxy_on_loopback_the_client_is_the_forwarded_address(settings, acme):
    # The TLS proxy connects from 127.0.0.1: its own address must not let everyone in.
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)
    assert client.get("/healthz", HTTP_HOST="acme.localhost").status_code == 404
    direct = Client(REMOTE_ADDR="127.0.0.1")  # docker's healthcheck, inside the container
    assert direct.get("/healthz", HTTP_HOST="acme.localhost").status_code == 200


def test_the_token_opens_them_from_anywhere(outsider, settings, acme):
    settings.OPERATIONS_TOKEN = "t0k3n-" + "x" * 30
    ok = outsider.get(
        "/readyz", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {'t0k3n-' + 'x' * 30}"
    )
    assert ok.status_code == 200
    wrong = outsider.get("/readyz", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 404


def test_no_token_configured_opens_nothing(outsider, settings, db):
    settings.OPERATIONS_TOKEN = ""
    response = outsider.get("/healthz", HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_allowed_networks_are_a_setting(outsider, settings, db):
    settings.OPERATIONS_ALLOWED_CIDRS = ["203.0.113.0/24"]
    assert outsider.get("/healthz", HTTP_HOST="localhost").status_code == 200
    settings.OPERATIONS_ALLOWED_CIDRS = ["198.51.100.0/24"]
    assert outsider.get("/healthz", HTTP_HOST="localhost").status_code == 404


def test_readyz_names_the_cache_when_redis_is_down(operator, settings, acme):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    status, body = readiness(operator)
    assert status == 503
    assert body["status"] == "fail" and body["failed"] == ["cache"]
    assert "Connection" in body["checks"]["cache"]["detail"]


def test_readyz_names_the_broker_when_it_is_down(operator, acme):
    with broker_down():
        status, body = readiness(operator)
    assert status == 503
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"]["detail"]


def test_readyz_with_a_reachable_broker_is_ready(operator, acme, redis_url):
    with broker_at(redis_url):
        status, body = readiness(operator)
    assert status == 200, body
    assert body["checks"]["broker"] == {"ok": True}


def test_readyz_names_unapplied_migrations(operator, acme):
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="notifications").order_by("-id").first()
    last.delete()  # as if `migrate` had not run after an upgrade (rolled back after the test)
    status, body = readiness(operator)
    assert status == 503
    assert body["failed"] == ["migrations"]
    assert f"notifications.{last.name}" in body["checks"]["migrations"]["detail"]


def _queued(account, *, due_minutes_ago: float, state=Delivery.State.QUEUED, kind="trigger"):
    return Delivery.objects.create(
        account=account,
        kind=kind,
        to_email="someone@customer.example",
        from_email="support@localhost",
        subject="Hello",
        body_text="Hello",
        state=state,
        next_attempt_at=timezone.now() - dt.timedelta(minutes=due_minutes_ago),
    )


def test_readyz_fails_when_the_oldest_pending_email_is_too_old(operator, acme, globex, settings):
    settings.READYZ_OUTBOX_MAX_AGE_MINUTES = 10
    _queued(acme, due_minutes_ago=2)
    assert readiness(operator)[0] == 200
    _queued(globex, due_minutes_ago=11)  # any account's row: the worker serves them all
    status, body = readiness(operator)
    assert status == 503
    assert body["failed"] == ["outbox"]
    assert "worker" in body["checks"]["outbox"]["detail"]
    settings.READYZ_OUTBOX_MAX_AGE_MINUTES = 15
    assert readiness(operator)[0] == 200


def test_readyz_ignores_failed_and_sent_emails_however_old(operator, acme):
    _queued(acme, due_minutes_ago=600, state=Delivery.State.FAILED)
    _queued(acme, due_minutes_ago=600, state=Delivery.State.SENT)
    assert readiness(operator)[0] == 200


def test_with_the_database_refused_healthz_lives_and_readyz_names_it():
    # A process of its own whose DATABASE_URL points at a closed port.
    answers = answers_in_a_process(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/sportello"},
        "/healthz",
        "/readyz",
        "/metrics",
    )
    assert answers["/healthz"]["status"] == 200
    ready = answers["/readyz"]
    assert ready["status"] == 503
    body = json.loads(ready["body"])
    assert body["failed"] == ["database", "migrations", "outbox"]
    assert "OperationalError" in body["checks"]["database"]["detail"]
    assert body["checks"]["cache"]["ok"] and body["checks"]["broker"]["ok"]
    # The scrape still answers, and says which source it could not read.
    assert answers["/metrics"]["status"] == 200
    assert 'sportello_metrics_source_up{source="database"} 0.0' in answers["/metrics"]["body"]


def _cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return contextlib.nullcontext()


@pytest.mark.parametrize(
    ("down", "make_down"),
    [("cache", _cache_down), ("broker", lambda settings: broker_down())],
)
def test_each_endpoint_with_each_dependency_down(operator, settings, acme, down, make_down):
    """The matrix of the three endpoints and the cache and broker down (the database
    refused: test_with_the_database_refused_healthz_lives_and_readyz_names_it): /healthz
    lives, /readyz names the one dependency, /metrics answers and reports what it read."""
    with make_down(settings):
        healthz = operator.get("/healthz", HTTP_HOST="acme.localhost")
        status, body = readiness(operator)
        metrics = operator.get("/metrics", HTTP_HOST="localhost")
    assert healthz.status_code == 200 and json.loads(healthz.content) == {"status": "ok"}
    assert status == 503 and body["failed"] == [down], body
    assert body["checks"][down]["ok"] is False and body["checks"][down]["detail"]
    assert metrics.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(metrics.content.decode())}
    up = {s.labels["source"]: s.value for s in families["sportello_metrics_source_up"].samples}
    assert up["database"] == 1
    if down == "broker":
        assert up["broker"] == 0
