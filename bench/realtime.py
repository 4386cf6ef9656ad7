# ruff: noqa: S603 - a benchmark starting its own local server process
"""Live chat under load (issue 28): message latency with N concurrent chats.

    python -m bench.realtime [--chats 200] [--messages 6] [--interval 5.0]

Starts a real daphne (``helpdesk.asgi``, settings ``bench.realtime_settings``: the
channel layer on Redis, as production) on a free port, connected to PostgreSQL as
production's application role (row-level security binding the consumer's reads). Then
``--chats`` real chats are opened and taken as the help center and the workspace open
them (``chat_start`` by an anonymous visitor, ``chat_accept`` by one of the chat desk's
agents, 20 chats each), and each chat gets a pair of sockets opened as browsers would
(Host and Origin of the account's subdomain, the session cookie): its agent's (a
signed-in session) and its visitor's (the anonymous session that started it), both
subscribed to the chat's own topic ``chat:<number>`` (the topic rules of chat.topics).
Each chat then sends ``--messages`` messages, one every ``--interval`` seconds (chats
started at random offsets within the first interval), the visitor and the agent taking
turns, each posted through the services the views call (``visitor_post`` and
``agent_post``, both ``chat.services.core.message_post``: the row, then the ring after
commit) from a pool of threads standing in for the web workers. Latency is from just
before the service call to the ring's arrival at each of the chat's two sockets; every
message must reach both.

Database: ``BENCH_REALTIME_DATABASE_URL`` (default ``sportello_bench_realtime``: created
and migrated if missing, given the account ``bench``, its chat desk and agents; each run
adds its chats); Redis: ``BENCH_REALTIME_REDIS_URL`` (default database 8; the web
processes' REDIS_URL), the layer under the prefix ``bench-realtime``.
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.run import RESULTS, ROOT, _as_application_role, _ensure_database, _environment

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sportello_bench_realtime"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"
HOST = "bench.localhost"
CHATS_PER_AGENT = 20


@dataclass
class BenchChat:
    chat: Any  # chat.models.Chat, its visitor and account loaded
    agent: Any  # the agent who accepted it
    agent_cookie: str
    visitor_cookie: str

    @property
    def topic(self) -> str:
        return f"chat:{self.chat.number}"


def _prepare(chats: int) -> tuple[int, list[BenchChat]]:
    """Migrate; the account and its chat desk; ``chats`` chats, started and accepted."""
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.dbsession import account_context
    from accounts.selectors import account_for_subdomain
    from accounts.services import account_create

    call_command("migrate", verbosity=0)
    account = account_for_subdomain("bench")
    if account is None:
        account, _admin = account_create(
            subdomain="bench", name="Bench", admin_email="admin@bench.example"
        )
    # Groups and queues of an earlier run (a killed one leaves its groups behind); before
    # the chats ring, whose sends hold the layer's connections in realtime.publish's
    # sender thread (flush closes them).
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    async_to_sync(get_channel_layer().flush)()
    with account_context(account.pk):
        return account.pk, _chats(account, chats)


def _session_cookie(session: Any) -> str:
    from django.conf import settings

    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _desk(account: Any, agents: int) -> list[Any]:
    """The chat desk (one chat-enabled group), its agents available, chat on."""
    from accounts.models import AgentGroup, User
    from accounts.services import group_add_agent, group_create, user_create
    from chat.models import AgentChatStatus, Chat, ChatGroup, ChatSettings

    # A run's chats end with it (a killed run's count against the agents' limit).
    Chat.objects.for_account(account).exclude(state=Chat.State.ENDED).update(state=Chat.State.ENDED)
    ChatSettings.objects.for_account(account).update_or_create(
        account=account,
        defaults={
            "enabled": True,
            "anonymous_allowed": True,
            "max_chats_per_agent": CHATS_PER_AGENT,
        },
    )
    group = AgentGroup.objects.for_account(account).filter(name="Chat desk").first()
    group = group or group_create(account=account, name="Chat desk")
    ChatGroup.objects.for_account(account).get_or_create(account=account, group=group)
    found = []
    for n in range(agents):
        email = f"chat-agent-{n}@bench.example"
        agent = User.objects.for_account(account).filter(email=email).first()
        agent = agent or user_create(
            account=account, name=f"Chat agent {n}", email=email, role=User.Role.AGENT
        )
        group_add_agent(group=group, agent=agent)
        AgentChatStatus.objects.for_account(account).update_or_create(
            account=account, agent=agent, defaults={"available": True}
        )
        found.append(agent)
    return found


def _chats(account: Any, count: int) -> list[BenchChat]:
    """Each chat as the help center starts it (an anonymous visitor's session) and the
    workspace takes it (``chat_accept``), with the sessions of both sides."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from chat.services.agents import chat_accept
    from chat.services.visitor import chat_start

    agents = _desk(account, -(-count // CHATS_PER_AGENT))
    cookies = {}
    for agent in agents:
        session = SessionStore()
        session[SESSION_KEY] = str(agent.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
        cookies[agent.pk] = _session_cookie(session)
    prepared = []
    for n in range(count):
        visitor = SessionStore()
        chat = chat_start(
            account=account,
            user=None,
            session=visitor,
            name=f"Visitor {n}",
            email=f"visitor-{n}@bench.example",
            first_message="Hello, is anyone there?",
        )
        agent = agents[n // CHATS_PER_AGENT]
        chat = chat_accept(agent=agent, chat=chat)
        prepared.append(BenchChat(chat, agent, cookies[agent.pk], _session_cookie(visitor)))
    return prepared


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


def _post(account_id: int, bench: BenchChat, turn: int) -> tuple[int, int, float, float]:
    """A message as the views post it: the visitor and the agent take turns. Returns
    (chat number, seq, when it was sent, seconds the service took in the request)."""
    from accounts.dbsession import account_context
    from chat.services.agents import agent_post
    from chat.services.visitor import visitor_post

    body = f"Message {turn} of this chat, written at {time.strftime('%H:%M:%S')}."
    sent = time.time()
    started = time.perf_counter()
    with account_context(account_id):  # as the tenant middleware sets it for a request
        if turn % 2:
            message = agent_post(agent=bench.agent, chat=bench.chat, body=body)
        else:
            message = visitor_post(chat=bench.chat, body=body)
    return bench.chat.number, message.seq, sent, time.perf_counter() - started


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class _Socket:
    """One browser's socket: subscribes to its chat, records when each message rang."""

    def __init__(self, port: int, cookie: str, topic: str) -> None:
        self.port, self.cookie, self.topic = port, cookie, topic
        self.rings: list[tuple[int, int, float]] = []  # (chat, seq, arrival)
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
        await self.connection.send(json.dumps({"subscribe": self.topic}))
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
        elif message.get("event", {}).get("kind") == "message":
            event = message["event"]
            self.rings.append((event["chat"], event["seq"], time.time()))


async def _run(args: argparse.Namespace, port: int, prepared: tuple) -> dict[str, Any]:
    account_id, chats = prepared
    pairs = [
        (_Socket(port, c.agent_cookie, c.topic), _Socket(port, c.visitor_cookie, c.topic))
        for c in chats
    ]
    sockets = [s for pair in pairs for s in pair]
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def open_one(s: _Socket) -> float:
        async with gate:
            return await s.open()

    started = time.perf_counter()
    open_times = await asyncio.gather(*(open_one(s) for s in sockets))
    opened_in = time.perf_counter() - started

    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(args.publishers)
    posted: list[asyncio.Future] = []

    async def chat(bench: BenchChat) -> None:
        await asyncio.sleep(random.uniform(0, args.interval))  # noqa: S311 - a bench's spread
        for turn in range(args.messages):
            posted.append(loop.run_in_executor(pool, _post, account_id, bench, turn))
            await asyncio.sleep(args.interval)

    started = time.perf_counter()
    await asyncio.gather(*(chat(c) for c in chats))
    results = await asyncio.gather(*posted)
    sent = {(number, seq): at for number, seq, at, _took in results}
    committed = {(number, seq): at + took for number, seq, at, took in results}
    post_times = [took * 1000 for *_rest, took in results]
    expected = len(sent) * 2
    for _ in range(100):
        if sum(len(s.rings) for s in sockets) >= expected:
            break
        await asyncio.sleep(0.1)
    sending = time.perf_counter() - started
    closed_early = sum(1 for s in sockets if s.closed is not None)
    for s in sockets:
        await s.connection.close()
    pool.shutdown()
    rings = [
        ((number, seq), arrival)
        for s in sockets
        for number, seq, arrival in s.rings
        if (number, seq) in sent
    ]
    ms = [(arrival - sent[key]) * 1000 for key, arrival in rings]
    # The push alone: from the service's return (committed) to the ring's arrival.
    push = [(arrival - committed[key]) * 1000 for key, arrival in rings]
    posted_to: dict[int, set[int]] = {}
    for number, seq in sent:
        posted_to.setdefault(number, set()).add(seq)
    incomplete = sum(
        not posted_to[c.chat.number] <= {seq for _n, seq, _at in s.rings}
        for c, pair in zip(chats, pairs, strict=True)
        for s in pair
    )
    return {
        "sockets": len(sockets),
        "open_seconds": round(opened_in, 2),
        "open_p50_ms": round(statistics.median(open_times) * 1000, 1),
        "open_p99_ms": round(_percentile(open_times, 99) * 1000, 1),
        "messages": len(sent),
        "deliveries": len(ms),
        "expected_deliveries": expected,
        "sockets_missing_a_message": incomplete,
        "sockets_closed_by_the_server": closed_early,
        "messages_per_second": round(len(sent) / sending, 1),
        "latency_p50_ms": round(_percentile(ms, 50), 1),
        "latency_p90_ms": round(_percentile(ms, 90), 1),
        "latency_p99_ms": round(_percentile(ms, 99), 1),
        "latency_max_ms": round(max(ms), 1),
        "post_p50_ms": round(_percentile(post_times, 50), 1),
        "post_p99_ms": round(_percentile(post_times, 99), 1),
        "push_p50_ms": round(_percentile(push, 50), 1),
        "push_p99_ms": round(_percentile(push, 99), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--messages", type=int, default=6, help="Messages per chat")
    parser.add_argument("--interval", type=float, default=5.0, help="Seconds between a chat's")
    parser.add_argument("--publishers", type=int, default=4, help="Posting threads")
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
