"""Redis down (the cache pointed at a closed port): the API keeps answering. The rate
limit lets requests through with a logged warning; a job whose status cannot be stored
is refused with a clear 503 before anything is queued; the job's work still runs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api import jobs
from tests.factories import make_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def redis_down(settings):
    working = settings.CACHES
    settings.CACHES = DEAD_REDIS
    yield
    settings.CACHES = working  # before the API fixtures clear the cache


def test_the_api_answers_while_redis_is_down_and_says_the_limit_is_off(
    agent_api, acme, acme_agent, redis_down, caplog
):
    make_ticket(account=acme, submitter=acme_agent, subject="Still here")
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        response = agent_api.get("tickets.json")
    assert response.status_code == 200
    assert [t["subject"] for t in response.json()["tickets"]] == ["Still here"]
    assert "rate limit" in caplog.text


def test_a_write_through_the_api_works_while_redis_is_down(agent_api, acme_user, redis_down):
    response = agent_api.post(
        "tickets.json",
        {"ticket": {"subject": "Printer", "comment": {"body": "Jammed"}, "requester_id": 0}},
    )
    assert response.status_code in (201, 422)  # never a 500


def test_a_bulk_update_is_refused_clearly_when_its_status_cannot_be_stored(
    agent_api, acme, acme_agent, redis_down, django_capture_on_commit_callbacks
):
    make_ticket(account=acme, submitter=acme_agent, priority="low")
    with django_capture_on_commit_callbacks() as callbacks:
        response = agent_api.put("tickets/update_many.json?ids=1", {"ticket": {"priority": "high"}})
    assert response.status_code == 503
    assert response.json()["error"] == "ServiceUnavailable"
    assert "Try again" in response.json()["description"]
    assert response["Retry-After"]
    assert callbacks == []  # nothing queued that no one could follow
    assert Ticket.objects.for_account(acme).get(number=1).priority == "low"


def test_a_job_status_asked_for_while_redis_is_down_is_a_clear_503(agent_api, redis_down):
    response = agent_api.get(f"job_statuses/{'a' * 32}.json")
    assert response.status_code == 503
    assert response.json()["error"] == "ServiceUnavailable"


def test_a_queued_job_still_does_its_work_when_redis_goes_down_before_it_runs(
    acme, acme_agent, redis_down, caplog
):
    make_ticket(account=acme, submitter=acme_agent, priority="low")
    with caplog.at_level(logging.WARNING, logger="api.jobs"):
        job = jobs.job_update_many_run(
            job_id="b" * 32,
            account_id=acme.pk,
            actor_id=acme_agent.pk,
            numbers=[1],
            data={"priority": "high"},
        )
    assert job["status"] == "completed"
    assert Ticket.objects.for_account(acme).get(number=1).priority == "high"
    assert "status" in caplog.text


@pytest.fixture
def broker_down():
    """Celery publishing to a closed port, without retrying (the broker's default retries
    would only make the test slow)."""
    from helpdesk.celery import app

    conf = app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.task_publish_retry
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:1/0", False
    conf.task_publish_retry = False
    _forget_connections(app)
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager, conf.task_publish_retry = saved
        _forget_connections(app)


def _forget_connections(app) -> None:
    # Celery keeps its connection and producer pools once made, on the broker of the time.
    app._pool = None
    app.amqp._producer_pool = None


def test_a_job_whose_task_cannot_be_queued_ends_failed_not_500(
    agent_api, acme, acme_agent, broker_down, django_capture_on_commit_callbacks
):
    """The broker down while the cache answers: the status says so, the client got its
    job id already, and the request itself did not fail."""
    make_ticket(account=acme, submitter=acme_agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.put("tickets/update_many.json?ids=1", {"ticket": {"status": "open"}})
    assert response.status_code == 200
    status = agent_api.get(response.json()["job_status"]["url"]).json()["job_status"]
    assert status["status"] == "failed"
    assert "could not be queued" in status["message"]


def test_an_unreachable_redis_costs_a_request_a_second_not_a_hang():
    """With REDIS_URL set, the cache connects and reads with short timeouts."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "o = s.CACHES['default']['OPTIONS']; "
        "print(o['socket_connect_timeout'], o['socket_timeout'])"
    )
    env = {
        **os.environ,
        "REDIS_URL": "redis://192.0.2.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    timeouts = [float(t) for t in result.stdout.split()]
    assert len(timeouts) == 2 and all(0 < t <= 2 for t in timeouts), result.stderr
