"""The production processes: gunicorn with deploy/gunicorn.conf.py (several workers'
metrics added up, its own lines as JSON) and a Celery worker's metrics port."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from operations import worker_metrics
from tests.api.servers import free_port
from tests.commands import ROOT
from tests.operations.test_deploy_env import production_env


def get(url: str, headers: dict | None = None) -> tuple[int, str]:
    """One request on a connection of its own, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def gunicorn(db, tmp_path):
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = production_env(MEDIA_ROOT=str(tmp_path / "media"))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # the config makes one
    stderr = tmp_path / "stderr"
    with stderr.open("w") as err:
        process = subprocess.Popen(  # noqa: S603 - our own server
            [str(gunicorn), "helpdesk.wsgi", "--config", "deploy/gunicorn.conf.py"]
            + ["--workers", "2", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    try:
        for _ in range(150):
            if _up(port) and get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                break
            if process.poll() is not None:
                pytest.fail(stderr.read_text()[-2000:])
            time.sleep(0.2)
        yield port, stderr
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _up(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_gunicorns_workers_are_added_up_and_its_lines_are_json(gunicorn):
    port, stderr = gunicorn
    for _ in range(6):  # new connections each: both workers answer some
        get(f"http://127.0.0.1:{port}/no-such-page/", {"Host": "helpdesk.example.com"})
    status, ready = get(f"http://127.0.0.1:{port}/readyz")
    assert status == 200, ready
    status, body = get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    families = {f.name: f for f in text_string_to_metric_families(body)}
    total = sum(
        s.value
        for s in families["sportello_http_requests"].samples
        if s.name == "sportello_http_requests_total" and s.labels["view"] == "unresolved"
    )
    assert total == 6
    lines = [line for line in stderr.read_text().splitlines() if line.strip()]
    assert any(json.loads(line)["logger"] == "gunicorn.error" for line in lines)
    requests = [json.loads(line) for line in lines if '"sportello.request"' in line]
    assert len(requests) == 6
    assert all(json.loads(line) for line in lines)  # every line one JSON object


def healthcheck(port: int, path: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "deploy/healthcheck.py", path],
        cwd=ROOT,
        env={**os.environ, "HEALTHCHECK_PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_compose_healthcheck_script_passes_on_a_ready_server_only(gunicorn):
    port, _stderr = gunicorn
    assert healthcheck(port, "/readyz").returncode == 0
    assert healthcheck(port, "/healthz").returncode == 0
    assert healthcheck(free_port(), "/readyz").returncode == 1  # nothing listening


@pytest.fixture
def worker_exporter():
    port = free_port()
    server = worker_metrics.serve(port, address="127.0.0.1")
    yield port
    server.shutdown()
    server.server_close()


def test_a_celery_workers_metrics_are_served_to_the_operators_only(worker_exporter, settings):
    url = f"http://127.0.0.1:{worker_exporter}"
    status, body = get(f"{url}/metrics")
    assert status == 200 and "sportello_celery_task_duration_seconds" in body
    assert get(f"{url}/other")[0] == 404
    settings.OPERATIONS_ALLOWED_CIDRS = ["198.51.100.0/24"]  # loopback no longer allowed
    assert get(f"{url}/metrics")[0] == 404
    settings.OPERATIONS_TOKEN = "w" * 40
    assert get(f"{url}/metrics", {"Authorization": "Bearer " + "w" * 40})[0] == 200
