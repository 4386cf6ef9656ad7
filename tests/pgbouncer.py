"""Debian's PgBouncer in front of the test database, in transaction mode, as production
may run it (README, "Scaling"): ``PgBouncer(pool_size=…).start()`` in a temporary
directory on a free port, forwarding every database name to the suite's PostgreSQL.

Missing pgbouncer skips the tests that need it, except in CI (``CI=true``), where it is a
failure (``.ci/run`` installs it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def pgbouncer_binary() -> str:
    """The pgbouncer executable, or skip (fail in CI)."""
    found = shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(p, os.X_OK)), None
    )
    if found:
        return found
    message = "pgbouncer is not installed (apt-get install pgbouncer)"
    if IN_CI:
        pytest.fail(f"{message}; the PgBouncer tests must run in CI", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class PgBouncer:
    """One pgbouncer process; ``users`` are the login names it lets through (trust)."""

    def __init__(
        self, *, server_host: str, server_port: int, users: list[str], pool_size: int = 2
    ) -> None:
        self.server_host, self.server_port = server_host, server_port
        self.users, self.pool_size = users, pool_size
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.directory = Path(tempfile.mkdtemp(prefix="sportello-pgbouncer-"))

    def _write_config(self) -> Path:
        d = self.directory
        (d / "users.txt").write_text("".join(f'"{user}" ""\n' for user in self.users))
        config = d / "pgbouncer.ini"
        config.write_text(
            "[databases]\n"
            f"* = host={self.server_host} port={self.server_port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {d / 'users.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {self.pool_size}\n"
            "min_pool_size = 0\n"
            "reserve_pool_size = 0\n"
            "max_client_conn = 100\n"
            "server_reset_query =\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {d / 'pgbouncer.log'}\n"
            f"pidfile = {d / 'pgbouncer.pid'}\n"
        )
        return config

    def start(self) -> PgBouncer:
        binary = pgbouncer_binary()
        self.port = _free_port()
        config = self._write_config()
        command = [binary, "-q", str(config)]
        if os.geteuid() == 0:
            # pgbouncer refuses to run as root: as the cluster's owner, who may read it.
            os.chmod(self.directory, 0o777)  # noqa: S103 - a temporary directory of its own
            command[1:1] = ["-u", "postgres"]
        self.process = subprocess.Popen(command)  # noqa: S603 - Debian's pgbouncer
        deadline = time.monotonic() + 15
        while not _port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = self.directory / "pgbouncer.log"
                raise RuntimeError(
                    f"pgbouncer did not start: {log.read_text() if log.exists() else ''}"
                )
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop it and wait, so its server connections are gone (the test database can
        then be dropped)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.directory, ignore_errors=True)


def wait_until_no_backends(connection, database: str, user: str | None = None) -> None:
    """A stopped pgbouncer's server sessions (of ``user``, or all) end a moment after it
    exits."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND pid <> pg_backend_pid() AND usename = coalesce(%s, usename)",
                [database, user],
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)
