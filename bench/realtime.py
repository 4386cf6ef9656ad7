# ruff: noqa: S603 - a benchmark starting its own local server process
"""Live chat's push path under load (issue 28): message latency with N concurrent chats.

    python -m bench.realtime [--chats 200] [--messages 10] [--interval 1.0]

Starts a real daphne (``helpdesk.asgi``, settings ``bench.realtime_settings``: the
channel layer on Redis) on a free port, connected to PostgreSQL as production's
application role (row-level security binding the consumer's reads), then opens a pair
of sockets per chat as browsers would (Host and Origin of the account's subdomain,
the session cookie): the agent's (a signed-in session) and the visitor's (an anonymous
session listing its chat), both subscribed to ``bench-chat:<n>``. Each chat then sends
``--messages`` messages, one every ``--interval`` seconds (chats started at random
offsets within the first interval), each published as the app does: ``publish()`` in a
transaction, sent to Redis after commit, from a pool of threads standing in for the web
workers. Latency is from just before the transaction to the frame's arrival at each
of the chat's two sockets; every message reaching both is checked.

Database: ``BENCH_REALTIME_DATABASE_URL`` (default ``sportello_bench_realtime``: created
and migrated if missing, given the account ``bench`` and its admin); Redis:
``BENCH_REALTIME_REDIS_URL`` (default database 8; the web processes' REDIS_URL), the
layer under the prefix ``bench-realtime``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.run import RESULTS, ROOT, _as_application_role, _ensure_database, _environment

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sportello_bench_realtime"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"
HOST = "bench.localhost"


def _prepare(chats: int) -> tuple[int, str, list[str]]:
    """Migrate; the account, and the sessions: the admin's (signed in) and one
    anonymous visitor's per chat. Returns (account id, agent cookie, visitor cookies)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from accounts.dbsession import account_context
    from accounts.models import User
    from accounts.selectors import account_for_subdomain
    from accounts.services import account_create

    call_command("migrate", verbosity=0)
    account = account_for_subdomain("bench")
    if account is None:
        account, _admin = account_create(
            subdomain="bench", name="Bench", admin_email="admin@bench.example"
        )
    with account_context(account.pk):
        admin = User.objects.for_account(account).filter(role=User.Role.ADMIN).first()
        assert admin is not None
        session = SessionStore()
        session[SESSION_KEY] = str(admin.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
        session.save()
    name = settings.SESSION_COOKIE_NAME
    visitors = []
    for chat in range(chats):
        visitor = SessionStore()
        visitor["bench_chats"] = [str(chat)]
        visitor.save()
        visitors.append(f"{name}={visitor.session_key}")
    # Groups and queues of an earlier run (a killed one leaves its groups behind).
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    async_to_sync(get_channel_layer().flush)()
    return account.pk, f"{name}={session.session_key}", visitors


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_daphne(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or "daphne"
    process = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "helpdesk.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"daphne did not start; see {log}")


def _publish(account_id: int, chat: int, seq: int) -> float:
    """Publish as a view does; returns the seconds it added to the request."""
    from django.db import transaction

    from realtime.publish import publish

    sent = time.time()
    started = time.perf_counter()
    with transaction.atomic():
        publish(account_id, f"bench-chat:{chat}", {"chat": chat, "seq": seq, "sent": sent})
    return time.perf_counter() - started


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class _Socket:
    """One browser's socket: subscribes to its chat, records each event's latency."""

    def __init__(self, port: int, cookie: str, chat: int, latencies: list[float]) -> None:
        self.port, self.cookie, self.chat, self.latencies = port, cookie, chat, latencies
        self.seen: set[int] = set()
        self.subscribed = asyncio.Event()
        self.connection: Any = None
        self.closed: int | None = None  # the server's close code, if it closed early

    async def open(self) -> float:
        from websockets.asyncio.client import connect

        started = time.perf_counter()
        self.connection = await connect(
            f"ws://{HOST}:{self.port}/ws/realtime/",
            host="127.0.0.1",
            port=self.port,
            origin=f"http://{HOST}:{self.port}",  # type: ignore[arg-type]  # an Origin is a str
            additional_headers={"Cookie": self.cookie},
            proxy=None,
            open_timeout=60,
        )
        asyncio.get_running_loop().create_task(self._read())
        await self.connection.send(json.dumps({"subscribe": f"bench-chat:{self.chat}"}))
        await asyncio.wait_for(self.subscribed.wait(), 60)
        return time.perf_counter() - started

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.connection:
                self._handle(json.loads(raw))
        except ConnectionClosed as closed:
            self.closed = closed.rcvd.code if closed.rcvd else 1006

    def _handle(self, message: dict[str, Any]) -> None:
        if "subscribed" in message:
            self.subscribed.set()
        elif "refused" in message:
            raise SystemExit(f"refused: {message}")
        elif "event" in message:
            self.latencies.append(time.time() - message["event"]["sent"])
            self.seen.add(message["event"]["seq"])


async def _run(args: argparse.Namespace, port: int, prepared: tuple) -> dict[str, Any]:
    account_id, agent_cookie, visitor_cookies = prepared
    latencies: list[float] = []
    sockets = [
        _Socket(port, cookie, chat, latencies)
        for chat in range(args.chats)
        for cookie in (agent_cookie, visitor_cookies[chat])
    ]
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def open_one(s: _Socket) -> float:
        async with gate:
            return await s.open()

    started = time.perf_counter()
    open_times = await asyncio.gather(*(open_one(s) for s in sockets))
    opened_in = time.perf_counter() - started

    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(args.publishers)
    published: list[asyncio.Future] = []

    async def chat(n: int) -> None:
        await asyncio.sleep(random.uniform(0, args.interval))  # noqa: S311 - a bench's spread
        for seq in range(args.messages):
            published.append(loop.run_in_executor(pool, _publish, account_id, n, seq))
            await asyncio.sleep(args.interval)

    started = time.perf_counter()
    await asyncio.gather(*(chat(n) for n in range(args.chats)))
    publish_times = [t * 1000 for t in await asyncio.gather(*published)]
    expected = args.chats * args.messages * 2
    for _ in range(100):
        if len(latencies) >= expected:
            break
        await asyncio.sleep(0.1)
    sending = time.perf_counter() - started
    closed_early = sum(1 for s in sockets if s.closed is not None)
    for s in sockets:
        await s.connection.close()
    pool.shutdown()
    incomplete = sum(1 for s in sockets if len(s.seen) != args.messages)
    ms = [v * 1000 for v in latencies]
    return {
        "sockets": len(sockets),
        "open_seconds": round(opened_in, 2),
        "open_p50_ms": round(statistics.median(open_times) * 1000, 1),
        "open_p99_ms": round(_percentile(open_times, 99) * 1000, 1),
        "messages": args.chats * args.messages,
        "deliveries": len(latencies),
        "expected_deliveries": expected,
        "sockets_missing_a_message": incomplete,
        "sockets_closed_by_the_server": closed_early,
        "messages_per_second": round(args.chats * args.messages / sending, 1),
        "latency_p50_ms": round(_percentile(ms, 50), 1),
        "latency_p90_ms": round(_percentile(ms, 90), 1),
        "latency_p99_ms": round(_percentile(ms, 99), 1),
        "latency_max_ms": round(max(ms), 1),
        "publish_p50_ms": round(_percentile(publish_times, 50), 1),
        "publish_p99_ms": round(_percentile(publish_times, 99), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--messages", type=int, default=6, help="Messages per chat")
    parser.add_argument("--interval", type=float, default=5.0, help="Seconds between a chat's")
    parser.add_argument("--publishers", type=int, default=4, help="Publishing threads")
    parser.add_argument("--connect-concurrency", type=int, default=50)
    args = parser.parse_args(argv)

    database_url = os.environ.get("BENCH_REALTIME_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REALTIME_REDIS_URL", DEFAULT_REDIS)
    env = _environment(database_url) | {
        "DJANGO_SETTINGS_MODULE": "bench.realtime_settings",
        "REDIS_URL": redis_url,
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _ensure_database(database_url)
    prepared = _prepare(args.chats)
    server_env = _as_application_role(database_url, env)

    port = _free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = Path(tempfile.gettempdir()) / f"sportello-bench-realtime-{port}.log"
    load_before = os.getloadavg()[0]
    daphne = _start_daphne(server_env, port, log)
    try:
        row = asyncio.run(_run(args, port, prepared))
    finally:
        daphne.terminate()
        daphne.wait(timeout=30)
    row |= {"load_avg_before": load_before, "load_avg_after": os.getloadavg()[0]}
    print(json.dumps(row, indent=2))

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{stamp}-{commit or 'nogit'}-realtime.json"
    out.write_text(json.dumps({"meta": vars(args) | {"commit": commit}, **row}, indent=2) + "\n")
    return 0 if row["sockets_missing_a_message"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
