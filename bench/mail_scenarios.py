# ruff: noqa: S603 - a benchmark starting its own local processes
"""Scenario 7: email in and out.

7a  inbound: Postmark's inbound JSON (the shape tests/notifications/payloads.py posts),
    one new sender and Message-ID per request, posted by wrk to the webhook with its
    basic-auth secret; each post becomes a user, a ticket and its notification row.
7b  delivery, backlog: N outbox rows committed at once, one Celery worker (as
    ``make worker`` starts it: prefork, two processes per core) sends them through
    Django's SMTP backend to a local sink (bench/smtp_sink.py); emails/s is the rate the
    sink received them at.
7c  delivery, steady: rows committed at a fixed rate (the budget's 200 emails/s) in
    small transactions, as ticket changes write them; commit-to-send is the time from
    each transaction's commit to the sink receiving the email.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A bench-only secret (the webhook's basic auth, "user:password").
INBOUND_SECRET = "inbound:bench-webhook-secret-0123456789"
INBOUND_PATH = "/inbound/postmark/inbound/"
SENDER, MESSAGE_ID = "@@SENDER@@", "@@MESSAGE_ID@@"


def inbound_payload(ctx: dict, *, sender: str = SENDER, message_id: str = MESSAGE_ID) -> str:
    from tests.notifications.payloads import postmark_payload

    payload = postmark_payload(
        sender=sender,
        to=ctx["support_address"],
        subject="Invoice 4471 charged twice",
        text="Hello,\n\nwe were charged twice for invoice 4471. Please refund one.\n\nThanks",
        message_id=message_id,
    )
    return json.dumps(payload)


def _inbound_lua(ctx: dict) -> str:
    """A wrk script: every request a new sender and Message-ID (no duplicates, no burst
    limit), unique across runs and threads."""
    run = f"{int(time.time())}"
    return f"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local template = [==[{inbound_payload(ctx)}]==]
local n = 0
function request()
  n = n + 1
  local id = "{run}-" .. tid .. "-" .. n
  local body = template:gsub("{SENDER}", "inbound-" .. id .. "@customers.example")
  body = body:gsub("{MESSAGE_ID}", "<" .. id .. "@mail.customers.example>")
  return wrk.format(nil, nil, nil, body)
end
"""


def inbound_scenario(ctx: dict) -> dict:
    def body() -> str:
        unique = f"probe-{time.time_ns()}"
        return inbound_payload(
            ctx, sender=f"{unique}@customers.example", message_id=f"<{unique}@customers.example>"
        )

    return {
        "key": "7a",
        "name": "Inbound email webhook (Postmark)",
        "path": INBOUND_PATH,
        "method": "POST",
        "role": "inbound",
        "body_factory": body,
        "lua": _inbound_lua(ctx),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _arrivals(log: Path) -> dict[str, float]:
    arrived = {}
    for line in log.read_text().splitlines():
        at, _, message_id = line.partition(" ")
        arrived[message_id] = float(at)
    return arrived


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class _Delivery:
    """The sink and the workers, and a producer of outbox rows copied from a real one.

    ``workers`` Celery workers on the ``mail`` queue (each of ``concurrency`` processes;
    None: the settings' default, two per core), and a sink answering each message after
    ``sink_delay_ms`` (0: at once)."""

    def __init__(
        self,
        env: dict,
        ctx: dict,
        *,
        workers: int = 1,
        concurrency: int | None = None,
        sink_delay_ms: float = 0,
    ):
        self.env, self.ctx = env, ctx
        self.log = Path(tempfile.mkdtemp(prefix="bench-smtp-")) / "arrivals.log"
        self.log.touch()
        self.port = _free_port()
        self.worker_count, self.concurrency = workers, concurrency
        self.sink_delay_ms = sink_delay_ms

    def __enter__(self):
        import redis
        from django.conf import settings

        # Tasks left in the bench broker by earlier scenarios (API creates, inbound)
        # would be sent first and blur the measurement: start from an empty queue.
        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
        self.sink = subprocess.Popen(
            [sys.executable, "-m", "bench.smtp_sink", str(self.port), str(self.log)]
            + [str(self.sink_delay_ms)],
            cwd=ROOT,
            start_new_session=True,
        )
        celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
        worker_env = self.env | {
            "EMAIL_ESP": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }
        concurrency = ["-c", str(self.concurrency)] if self.concurrency else []
        self.workers = [
            subprocess.Popen(
                [celery, "-A", "helpdesk", "worker", "-Q", "mail", "-n", f"mail{n}@%h"]
                + concurrency
                + ["--loglevel", "warning"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT,
                env=worker_env,
                start_new_session=True,
            )
            for n in range(self.worker_count)
        ]
        self.template = self._template()
        self._await_workers(timeout=120)
        sent = self.produce(count=1, rate=1)  # and the whole road, once
        self.wait(sent, timeout=120)
        return self

    def _await_workers(self, *, timeout: float) -> None:
        """Until every worker answers a ping: measuring while one is still starting
        would count a worker short."""
        from helpdesk.celery import app

        names = {f"mail{n}@{socket.gethostname()}" for n in range(self.worker_count)}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answered = {name for reply in app.control.ping(timeout=1.0) for name in reply}
            if names <= answered:
                return
        raise SystemExit(f"workers did not come up: {sorted(names)}")

    def __exit__(self, *exc):
        for process in (*self.workers, self.sink):
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(self.log.parent, ignore_errors=True)

    def _template(self):
        from accounts.models import Account
        from notifications.models import Delivery

        account = Account.objects.get(subdomain="bench")
        template = (
            Delivery.objects.for_account(account)
            .filter(ticket__isnull=False)
            .exclude(body_html="")
            .order_by("-id")
            .first()
        )
        if template is None:
            raise SystemExit("no notification row to copy: run scenario 6c or 7a first")
        return template

    def _rows(self, n: int) -> list:
        from notifications.models import Delivery

        t = self.template
        fields = [
            "account_id",
            "ticket_id",
            "recipient_id",
            "kind",
            "reason",
            "to_email",
            "from_email",
            "reply_to",
            "subject",
            "body_text",
            "body_html",
            "in_reply_to",
            "references",
        ]
        return [Delivery(**{f: getattr(t, f) for f in fields}) for _ in range(n)]

    def produce(self, *, count: int, rate: float, batch: int = 5) -> dict[str, float]:
        """Commit ``count`` rows, ``batch`` per transaction, at ``rate`` rows/s (all at
        once if rate is 0); return each row's Message-ID and its commit time."""
        from django.db import transaction

        from accounts.dbsession import account_context
        from notifications.models import Delivery
        from notifications.outbox import enqueue_after_commit

        committed: dict[str, float] = {}
        started = time.monotonic()
        done = 0
        while done < count:
            size = min(batch if rate else count, count - done)
            if rate:
                delay = started + done / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            # In the account, as the product writes them.
            with transaction.atomic(), account_context(self.template.account_id):
                rows = Delivery.objects.bulk_create(self._rows(size))
                ids = [r.message_id for r in rows]
                # Registered before the enqueue, so it runs first, right after COMMIT.
                transaction.on_commit(
                    lambda ids=ids: committed.update(dict.fromkeys(ids, time.time()))  # type: ignore[misc]  # a default argument binds ids
                )
                enqueue_after_commit([r.pk for r in rows])
            done += size
        return committed

    def wait(self, committed: dict[str, float], *, timeout: float) -> dict[str, float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            arrived = _arrivals(self.log)
            if all(m in arrived for m in committed):
                break
            time.sleep(0.2)
        arrived = _arrivals(self.log)
        return {m: arrived[m] for m in committed if m in arrived}

    def measure(self, key: str, name: str, *, count: int, rate: float) -> dict:
        committed = self.produce(count=count, rate=rate)
        arrived = self.wait(committed, timeout=max(60.0, count / 20))
        latencies = [(arrived[m] - committed[m]) * 1000 for m in arrived]
        span = (max(arrived.values()) - min(committed.values())) if arrived else 0
        # The rate the producer actually committed at (it falls behind on a loaded
        # machine): 7c's emails/s cannot exceed it, and is only read against it.
        committing = max(committed.values()) - min(committed.values())
        if rate and committing:
            print(f"{key}: {len(committed)} rows committed at {len(committed) / committing:.1f}/s")
        return {
            "key": key,
            "name": name,
            "path": "(Celery worker → SMTP sink)",
            "rps": len(arrived) / span if span else 0.0,
            "p50_ms": statistics.median(latencies) if latencies else float("nan"),
            "p99_ms": _percentile(latencies, 99),
            "requests": len(arrived),
            "errors": len(committed) - len(arrived),
            "status": f"{len(arrived)}/{len(committed)}",
            "queries": None,
            "offered_rate": rate or None,
            "committed_rate": round(len(committed) / committing, 1) if committing else None,
        }


def delivery_rows(env: dict, ctx: dict, *, duration: int, rate: float, keys: set[str]) -> list:
    rows = []
    with _Delivery(env, ctx) as delivery:
        if "7b" in keys:
            count = max(1000, int(rate * duration))
            rows.append(
                delivery.measure("7b", f"Delivery, backlog of {count:,}", count=count, rate=0)
            )
        if "7c" in keys:
            rows.append(
                delivery.measure(
                    "7c",
                    f"Delivery at {rate:.0f}/s offered",
                    count=int(rate * duration),
                    rate=rate,
                )
            )
    return rows
