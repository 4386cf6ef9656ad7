"""A throwaway PostgreSQL cluster: initdb into a temporary folder, started on a free port
of 127.0.0.1 with trust authentication, stopped and removed at the end. The restore drill
restores into one, as an operator restores onto a new machine (the shared cluster of the
test suite may not allow replication, and has roles of its own).

PostgreSQL's server refuses to run as root: under root (CI containers) the server tools
run as the ``postgres`` system user, in a folder it owns."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def server_bin() -> Path | None:
    """The newest installed server's bin folder with initdb (Debian's layout), or the
    one on PATH."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    port: int
    user: str = "postgres"
    host: str = "127.0.0.1"

    def url(self, database: str, user: str | None = None) -> str:
        return f"postgres://{user or self.user}@{self.host}:{self.port}/{database}"

    def env(self, database: str) -> dict[str, str]:
        return os.environ | {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGDATABASE": database,
        }


@contextmanager
def fresh_cluster() -> Iterator[Cluster]:
    bindir = server_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL's server tools (initdb, pg_ctl) are not installed")
    as_root = os.geteuid() == 0
    prefix: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="sportello-drill-"))
    data = folder / "data"
    if as_root:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [*prefix, *args], check=True, capture_output=True, text=True, timeout=120
        )

    run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off"
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(folder / "log"),
        "-w",
        "start",
    )
    try:
        yield Cluster(port=port)
    finally:
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)
