"""Celery's queues by kind (README, "Scaling"): the outbox's sends go to ``mail``,
everything else to ``default``, ``imports`` is reserved; every queue has a worker in
docker-compose.yml and in `make worker`, and a task published through the product's own
road lands in its queue of a real Redis."""

from __future__ import annotations

import importlib
import importlib.util
import re
import socket

import pytest
import redis
import yaml
from django.apps import apps as django_apps
from django.conf import settings

from helpdesk.celery import app, task_queue
from notifications.models import Delivery
from notifications.outbox import enqueue
from tests.broker import broker_at
from tests.commands import ROOT

TEST_BROKER = "redis://127.0.0.1:6379/12"
MAIL_TASKS = {
    "notifications.tasks.delivery_send_task",
    "notifications.tasks.deliveries_send_task",
    "accounts.tasks.email_send",
}
OUR_APPS = ("accounts.", "tickets.", "portal.", "notifications.", "api.")


def our_tasks() -> set[str]:
    # The apps' task modules, imported as the worker finds them, without the loader's
    # import signal: once a test has started a worker in this process, Celery's Django
    # fixup answers that signal by running the system checks, which need the database.
    for config in django_apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.tasks") is not None:
            importlib.import_module(f"{config.name}.tasks")
    return {name for name in app.tasks if name.startswith(OUR_APPS)}


def test_outbox_sends_go_to_the_mail_queue_and_the_rest_to_default():
    tasks = our_tasks()
    assert tasks >= MAIL_TASKS
    for name in tasks:
        assert task_queue(name) == ("mail" if name in MAIL_TASKS else "default"), name


def test_every_queue_is_one_of_the_documented_kinds():
    assert settings.TASK_QUEUES == ("mail", "default", "imports")
    assert {task_queue(name) for name in our_tasks()} <= set(settings.TASK_QUEUES)


def _queues_of(command: list[str]) -> set[str]:
    return set(command[command.index("-Q") + 1].split(","))


def test_docker_compose_workers_consume_every_queue_each_with_its_own_name():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    workers = {
        name: service["command"]
        for name, service in services.items()
        if service.get("command", [])[:4] == ["celery", "-A", "helpdesk", "worker"]
    }
    assert set(workers) == {"worker-mail", "worker"}
    assert _queues_of(workers["worker-mail"]) == {"mail"}
    consumed = set().union(*(_queues_of(command) for command in workers.values()))
    assert consumed == set(settings.TASK_QUEUES)
    # Distinct node names, or `celery inspect` and control commands confuse them.
    names = [command[command.index("-n") + 1] for command in workers.values()]
    assert len(set(names)) == len(names)


def test_make_worker_consumes_every_queue():
    recipe = (ROOT / "Makefile").read_text().split("\nworker:", 1)[1]
    queues = re.search(r"-Q (\S+)", recipe)
    assert queues is not None
    assert set(queues.group(1).split(",")) == set(settings.TASK_QUEUES)


@pytest.fixture
def broker():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    queues = redis.Redis.from_url(TEST_BROKER)
    queues.delete(*settings.TASK_QUEUES)
    with broker_at(TEST_BROKER):
        yield queues
    queues.delete(*settings.TASK_QUEUES)
    queues.close()


@pytest.mark.django_db
def test_a_changes_emails_are_published_to_the_mail_queue(acme, broker):
    rows = [
        Delivery.objects.create(
            account=acme,
            to_email=f"person{n}@customer.example",
            from_email="support@acme.localhost",
            subject="Hello",
            body_text="Hello",
        )
        for n in range(2)
    ]
    assert sorted(enqueue([row.pk for row in rows])) == sorted(row.pk for row in rows)
    assert (broker.llen("mail"), broker.llen("default")) == (1, 0)  # one batch task
