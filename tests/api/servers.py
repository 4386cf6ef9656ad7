"""The app served by a real server process against the test database: Django's
``runserver`` (wsgiref: it does not dechunk a request body) and gunicorn (it does, and
marks the body's end with ``wsgi.input_terminated``), for what only a real server shows
(streamed bodies). For tests marked ``django_db(transaction=True)``: rows they write are
committed, so the server process sees them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ("runserver", "gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(media_root: Path) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    return env | {
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DATABASE_URL": url,  # the test database
        "MEDIA_ROOT": str(media_root),
        "DEBUG": "true",
        "BASE_DOMAIN": "localhost",
    }


def _command(kind: str, port: int) -> list[str]:
    if kind == "runserver":
        return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    return [gunicorn, "helpdesk.wsgi:application", "-w", "1", "-b", f"127.0.0.1:{port}"]


@contextmanager
def serving(kind: str, *, media_root: Path):
    """``with serving("gunicorn", media_root=...) as port:`` the app on 127.0.0.1:port."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
        _command(kind, port),
        cwd=ROOT,
        env=_environment(media_root),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"{kind} ended: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{kind} did not start on port {port}")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()
