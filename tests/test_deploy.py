"""The production shape: docker-compose.yml is valid, and settings with DEBUG off pass
Django's deployment checks or stop with a message naming what is missing."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from urllib.parse import quote

import pytest
from django.db import connection

from tests.commands import ROOT, manage

IN_CI = os.environ.get("CI", "").lower() == "true"
# Variables of the test run that production would not have (DJANGO_ALLOW_ASYNC_UNSAFE is
# set for the browser tests by tests/pg_default.py and fails `check --deploy`).
NOT_INHERITED = (
    "DEBUG",
    "SECRET_KEY",
    "BASE_DOMAIN",
    "ALLOWED_HOSTS",
    "EMAIL_ESP",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def clean_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(overrides)
    return env


@pytest.fixture
def docker_compose():
    binary = shutil.which("docker-compose")
    if binary is None:
        if IN_CI:
            pytest.fail("docker-compose is missing; .ci/run installs it with apt-get")
        pytest.skip("docker-compose is not installed")
    return binary


def compose_config(binary: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_file_is_valid(docker_compose):
    env = clean_env(
        SECRET_KEY="x" * 50,
        BASE_DOMAIN="helpdesk.example.com",
        POSTGRES_PASSWORD="pw",
        APP_DB_PASSWORD="pw2",
        PLATFORM_DB_PASSWORD="pw3",
    )
    result = compose_config(docker_compose, env)
    assert result.returncode == 0, result.stderr


def test_docker_compose_checks_the_web_service_with_readyz(docker_compose):
    # README, "Operations": the web service is healthy when /readyz answers 200, asked
    # from inside its container by deploy/healthcheck.py (the image has no curl).
    import yaml

    env = clean_env(
        SECRET_KEY="x" * 50,
        BASE_DOMAIN="helpdesk.example.com",
        POSTGRES_PASSWORD="pw",
        APP_DB_PASSWORD="pw2",
        PLATFORM_DB_PASSWORD="pw3",
    )
    result = subprocess.run(
        [docker_compose, "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    web = services["web"]
    assert web["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py", "/readyz"]
    assert (ROOT / "deploy" / "healthcheck.py").is_file()
    # Several gunicorn workers: metrics in multiprocess mode, and gunicorn's config.
    assert web["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert "deploy/gunicorn.conf.py" in web["command"]
    assert services["worker"]["environment"]["CELERY_METRICS_PORT"] == "9808"
    # The migrate service has no metrics of its own to keep.
    assert "PROMETHEUS_MULTIPROC_DIR" not in services["migrate"]["environment"]


def test_docker_compose_runs_the_imap_idle_watcher(docker_compose):
    # Issue 24: `manage.py mailboxes_idle` is a service of its own, started after the
    # migrations, with the app's environment (the keys that open stored mailbox secrets
    # and the OAuth2 apps' credentials passed through when set).
    import yaml

    env = clean_env(
        SECRET_KEY="x" * 50,
        BASE_DOMAIN="helpdesk.example.com",
        POSTGRES_PASSWORD="pw",
        APP_DB_PASSWORD="pw2",
        PLATFORM_DB_PASSWORD="pw3",
        FIELD_ENCRYPTION_KEYS="k1,k2",
        MAILBOX_OAUTH_MICROSOFT_CLIENT_ID="ms-client",
    )
    result = subprocess.run(
        [docker_compose, "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    idle = yaml.safe_load(result.stdout)["services"]["mailbox-idle"]
    assert idle["command"] == ["python", "manage.py", "mailboxes_idle"]
    assert idle["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert idle["environment"]["FIELD_ENCRYPTION_KEYS"] == "k1,k2"
    assert idle["environment"]["MAILBOX_OAUTH_MICROSOFT_CLIENT_ID"] == "ms-client"
    assert idle["environment"]["DATABASE_URL"].startswith("postgres://sportello_app:")
    assert (ROOT / "mailchannels" / "management" / "commands" / "mailboxes_idle.py").is_file()


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PLATFORM_DB_PASSWORD"])
def test_docker_compose_refuses_to_start_without_a_required_variable(docker_compose, missing):
    env = clean_env(
        SECRET_KEY="x" * 50,
        BASE_DOMAIN="helpdesk.example.com",
        POSTGRES_PASSWORD="pw",
        APP_DB_PASSWORD="pw2",
        PLATFORM_DB_PASSWORD="pw3",
    )
    del env[missing]
    result = compose_config(docker_compose, env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_check_deploy_passes_with_production_settings(db):
    # Production checks with its database up: the model checks of the comments' generated
    # column ask PostgreSQL its version. The test database exists (`db`); the run's own
    # DATABASE_URL may name one that was never created (pytest-django made test_<name>).
    env = _production_env()
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def _production_env() -> dict[str, str]:
    database = connection.settings_dict
    url = (
        f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'] or '')}"
        f"@{database['HOST']}:{database['PORT']}/{quote(database['NAME'])}"
    )
    return clean_env(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        BASE_DOMAIN="helpdesk.example.com",
        DATABASE_URL=url,
        # The platform's own login (README, "Security"); the same one will do here.
        DATABASE_PLATFORM_URL=url,
        # The shared cache (README, "Scaling"); the check does not connect to it.
        REDIS_URL="redis://127.0.0.1:6379/15",
    )


def test_check_deploy_warns_without_the_platform_connection(db):
    env = _production_env()
    del env["DATABASE_PLATFORM_URL"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "accounts.W001" in result.stdout + result.stderr


def test_check_deploy_warns_when_the_cache_is_per_process(db):
    """Without Redis every web process keeps its own rate limit and job statuses."""
    env = _production_env()
    del env["REDIS_URL"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "api.W001" in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "BASE_DOMAIN"])
def test_debug_off_without_required_variable_stops_with_its_name(missing):
    env = clean_env(
        DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), BASE_DOMAIN="helpdesk.example.com"
    )
    del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_the_app_reaches_postgresql_through_pgbouncer_in_transaction_mode():
    """web, worker and beat connect to PgBouncer (transaction pooling, with the settings
    it needs); migrations go straight to PostgreSQL as the owner."""
    import configparser

    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        for variable in ("DATABASE_URL", "DATABASE_PLATFORM_URL"):
            assert "@pgbouncer:6432/sportello" in env[variable], (name, variable)
        assert env["DATABASE_TRANSACTION_POOLING"] == "true", name
        assert "pgbouncer" in services[name]["depends_on"], name
    migrate = services["migrate"]["environment"]
    assert "@db:5432/" in migrate["DATABASE_URL"]
    assert migrate["DATABASE_TRANSACTION_POOLING"] == "false"
    bouncer = services["pgbouncer"]
    assert bouncer["build"] == "deploy/pgbouncer"
    assert bouncer["depends_on"]["db"]["condition"] == "service_healthy"
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",))
    ini.read(ROOT / "deploy/pgbouncer/pgbouncer.ini")
    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    assert ini["pgbouncer"]["listen_port"] == "6432"
    assert ini["databases"]["sportello"].startswith("host=db port=5432")
    # Its logins are the application's and the platform's, never the owner's.
    entrypoint = (ROOT / "deploy/pgbouncer/entrypoint.sh").read_text()
    assert "sportello_app" in entrypoint and "sportello_platform" in entrypoint
    assert "POSTGRES_PASSWORD" not in entrypoint


def test_docker_compose_serves_the_sockets_with_daphne_behind_the_proxys_ws_route():
    # Issue 28: sockets on daphne (helpdesk.asgi) beside gunicorn, through PgBouncer and
    # Redis like web; the proxy example sends /ws/ there with the Upgrade handshake.
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    realtime = services["realtime"]
    command = realtime["command"]
    assert command[0] == "daphne" and command[-1] == "helpdesk.asgi:application"
    port = command[command.index("-p") + 1]
    assert realtime["environment"]["HEALTHCHECK_PORT"] == port
    assert "@pgbouncer:6432/sportello" in realtime["environment"]["DATABASE_URL"]
    assert realtime["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert realtime["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "redis" in realtime["depends_on"]
    nginx = (ROOT / "deploy/proxy/nginx.conf").read_text()
    ws = nginx[nginx.index("location /ws/") :].split("}", 1)[0]
    assert "proxy_pass http://sportello_realtime;" in ws
    assert f"server 127.0.0.1:{port};" in nginx
    assert "proxy_http_version 1.1;" in ws
    assert "proxy_set_header Upgrade $http_upgrade;" in ws
    assert "proxy_set_header Connection $connection_upgrade;" in ws
    # The account is the host: the socket must see the browser's.
    assert "proxy_set_header Host $host;" in ws
