"""Operations endpoints from inside and outside the operators' network, and a real Redis
(database 12, queues named per test) where a test needs one; the security tests' database
roles, for the commands run as production runs them."""

from __future__ import annotations

import json
import os
import socket
import uuid

import pytest
from django.test import Client

from tests.commands import manage
from tests.security.conftest import app_role, platform_role  # noqa: F401 - fixtures

IN_CI = os.environ.get("CI", "").lower() == "true"
OUTSIDE = "203.0.113.9"  # TEST-NET-3: never an operator's address
REDIS_URL = "redis://127.0.0.1:6379/12"
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def operator():
    """A client on the operators' network (the test client's 127.0.0.1)."""
    return Client()


@pytest.fixture
def outsider():
    return Client(REMOTE_ADDR=OUTSIDE)


@pytest.fixture
def redis_url():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if IN_CI:
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture
def queue_name():
    """A queue of this test's own, so tests running in parallel count only their messages."""
    from helpdesk.celery import app

    saved = app.conf.task_default_queue
    name = f"test-ops-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = saved


def _test_database_url() -> str:
    """The test database (DATABASE_URL names one pytest-django never creates in CI)."""
    from django.db import connection

    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{params['NAME']}"


def answers_in_a_process(env_overrides: dict[str, str], *paths: str) -> dict[str, dict]:
    """GET each path (as the operators' network, on acme's host) in a fresh process
    configured by ``env_overrides``: {path: {"status": ..., "body": ...}}."""
    code = (
        "import json\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "out = {}\n"
        f"for path in {list(paths)!r}:\n"
        "    r = client.get(path, HTTP_HOST='acme.localhost')\n"
        "    out[path] = {'status': r.status_code, 'body': r.content.decode()}\n"
        "print('ANSWERS=' + json.dumps(out))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env["DATABASE_URL"] = _test_database_url()
    env.update(env_overrides)
    result = manage("shell", "-c", code, env=env)
    line = next((x for x in result.stdout.splitlines() if x.startswith("ANSWERS=")), None)
    assert line is not None, result.stdout + result.stderr
    return json.loads(line.removeprefix("ANSWERS="))
