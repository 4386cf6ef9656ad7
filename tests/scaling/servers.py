"""Two (or more) gunicorn processes serving the test database as the application's role,
sharing one Redis: what web × N behind the proxy looks like. For tests marked
``django_db(transaction=True)``, whose rows are committed so the servers see them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests
from django.db import connection

from tests.api.servers import free_port
from tests.commands import ROOT

# Logins as production's (deploy/postgres/10-app-roles.sh): the application's, which
# row-level security binds, and the platform's own, BYPASSRLS.
APP_ROLE, PLATFORM_ROLE = "sportello_scaling_app", "sportello_scaling_platform"


def _url(user: str) -> str:
    db = connection.settings_dict
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _application_roles() -> None:
    """The two logins, with the grants the deploy script gives, on the test database."""
    import psycopg
    from psycopg import errors

    with psycopg.connect(_url(connection.settings_dict["USER"]), autocommit=True) as conn:
        for role, options in (
            (APP_ROLE, "LOGIN NOSUPERUSER NOBYPASSRLS"),
            (PLATFORM_ROLE, "LOGIN NOSUPERUSER BYPASSRLS"),
        ):
            try:
                conn.execute(f"CREATE ROLE {role} {options}")
            except errors.DuplicateObject:  # made by an earlier run, or a parallel worker
                conn.execute(f"ALTER ROLE {role} {options}")
            conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
            conn.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
            )
            conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")


def _environment(*, redis_url: str, prefix: str, media_root: Path) -> dict[str, str]:
    _application_roles()
    return dict(os.environ) | {
        "DJANGO_SETTINGS_MODULE": "tests.scaling.server_settings",
        # The test database, as production connects: row-level security binding.
        "DATABASE_URL": _url(APP_ROLE),
        "DATABASE_PLATFORM_URL": _url(PLATFORM_ROLE),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "SCALING_TEST_PREFIX": prefix,
        "MEDIA_ROOT": str(media_root),
        "DEBUG": "true",
        "BASE_DOMAIN": "localhost",
        "CONN_MAX_AGE": "60",
    }


@contextmanager
def _gunicorn(env: dict[str, str]):
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
        [gunicorn, "helpdesk.wsgi:application", "-w", "1", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        yield port, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


def _wait_until_serving(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            return
        except requests.ConnectionError:
            if process.poll() is not None:
                assert process.stderr is not None
                raise RuntimeError(f"gunicorn ended: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on port {port}")


@contextmanager
def gunicorns(count: int, *, redis_url: str, prefix: str, media_root: Path):
    """``with gunicorns(2, ...) as [port_a, port_b]:`` each its own gunicorn process (one
    worker each), started together; every Redis key they make starts with ``prefix``."""
    env = _environment(redis_url=redis_url, prefix=prefix, media_root=media_root)
    with ExitStack() as stack:
        started = [stack.enter_context(_gunicorn(env)) for _ in range(count)]
        for port, process in started:
            _wait_until_serving(port, process)
        yield [port for port, _ in started]
