"""A PostgreSQL primary and a hot standby of the test suite's own, in temporary folders.

The machine's own cluster takes no replication connections, so the replica tests start
their own pair: ``initdb`` with ``wal_level=replica`` and a replication line in
``pg_hba.conf``, ``pg_ctl start`` on a free port, ``pg_basebackup -R`` (which writes
``standby.signal`` and ``primary_conninfo``) for the standby, started on another port.
Small (``shared_buffers`` 16 MB, a few connections, no fsync): it lives for one run.
As root (a container), the server runs as the ``postgres`` system user: initdb refuses root.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SUPERUSER = "postgres"


def postgres_bindir() -> Path | None:
    """The newest server binaries: Debian's /usr/lib/postgresql/<ver>/bin, else PATH's."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for bindir in reversed(versions):
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return bindir
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_basebackup") else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    bindir: Path
    root: Path
    primary_port: int = 0
    standby_port: int = 0
    _run_as: list[str] = field(default_factory=list)
    _started: list[Path] = field(default_factory=list)

    @property
    def primary_dir(self) -> Path:
        return self.root / "primary"

    @property
    def standby_dir(self) -> Path:
        return self.root / "standby"

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._run_as, str(self.bindir / tool), *args]
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, our arguments
            command, capture_output=True, text=True, timeout=120, cwd=self.root
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    def _configure(self, data: Path, port: int) -> None:
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\n"
                "shared_buffers = 16MB\n"
                "max_connections = 30\n"
                "wal_level = replica\n"
                "max_wal_senders = 4\n"
                "hot_standby = on\n"
                "fsync = off\n"
                "full_page_writes = off\n"
                "log_min_messages = warning\n"
            )

    def _start(self, data: Path) -> None:
        self._run("pg_ctl", "-D", str(data), "-l", str(data.parent / f"{data.name}.log"), "-w",
                  "-t", "60", "start")  # fmt: skip
        self._started.append(data)

    def start(self) -> None:
        self.primary_port, self.standby_port = free_port(), free_port()
        self._run("initdb", "-D", str(self.primary_dir), "-U", SUPERUSER, "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self._configure(self.primary_dir, self.primary_port)
        with (self.primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("\nhost replication postgres 127.0.0.1/32 trust\n")
        self._start(self.primary_dir)
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port),
                  "-U", SUPERUSER, "-D", str(self.standby_dir), "-R", "-X", "stream",
                  "-c", "fast")  # fmt: skip
        with (self.standby_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.standby_port}\n")
        self._start(self.standby_dir)

    def stop(self) -> None:
        for data in reversed(self._started):
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        self._started.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- Talking to the pair as the superuser, outside Django -----------------------

    def connect(self, *, standby: bool = False, dbname: str = "postgres") -> psycopg.Connection:
        port = self.standby_port if standby else self.primary_port
        return psycopg.connect(
            host="127.0.0.1", port=port, user=SUPERUSER, dbname=dbname, autocommit=True
        )

    def wait_for_replay(self, timeout: float = 60.0) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        with self.connect() as primary:
            target = primary.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with self.connect(standby=True) as standby:
            while True:
                replayed = standby.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
                ).fetchone()[0]
                if replayed:
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the standby has not replayed up to {target}")
                time.sleep(0.05)

    def pause_replay(self) -> None:
        with self.connect(standby=True) as standby:
            standby.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.connect(standby=True) as standby:
            standby.execute("SELECT pg_wal_replay_resume()")


def start_cluster(bindir: Path) -> Cluster:
    root = Path(tempfile.mkdtemp(prefix="sportello-replica-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam(SUPERUSER)
        os.chown(root, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", SUPERUSER, "--"]
    cluster = Cluster(bindir=bindir, root=root, _run_as=run_as)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
