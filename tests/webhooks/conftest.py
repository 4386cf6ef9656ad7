"""A real HTTP receiver on this machine (a thread running http.server on a free port)
that answers as told — 500, a timeout, 200 — verifies each request's signature with the
webhook's secret, and keeps what it got."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.api.conftest import _fresh_rate_limits, api_for  # noqa: F401 - fixtures
from webhooks.services import webhook_create


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: str

    def signature_valid(self, secret: str) -> bool:
        timestamp = self.headers.get("x-zendesk-webhook-signature-timestamp", "")
        expected = base64.b64encode(
            hmac.new(secret.encode(), (timestamp + self.body).encode(), hashlib.sha256).digest()
        ).decode()
        return hmac.compare_digest(expected, self.headers.get("x-zendesk-webhook-signature", ""))

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """``answers``: what the next requests get, in order ("500", "timeout", "200"); once
    empty, 200. ``received``: every request, in order."""

    port: int = 0
    answers: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    sleep: float = 2.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            receiver.received.append(
                Received(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
            answer = receiver.answers.pop(0) if receiver.answers else "200"
            if answer == "timeout":
                time.sleep(receiver.sleep)
                answer = "200"
            code = int(answer)
            payload = json.dumps({"ok": code < 300, "code": code}).encode()
            try:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = _answer

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_LOCALHOST = True
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    settings.WEBHOOKS_READ_TIMEOUT = 0.5
    settings.WEBHOOKS_CONNECT_TIMEOUT = 1.0
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook(acme, acme_admin, receiver):
    return webhook_create(
        account=acme, actor=acme_admin, name="Orders system", endpoint=receiver.url
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(fn, ...) → fn's result, its on_commit callbacks (the tasks) run."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
